/**
 * The baseline of the `td king` vs bare client row: the same chat-completions requests `td king` sends
 * for the same records (the default model, max_tokens 8192, the history as the messages), at the same
 * concurrency, over a plain node:http Agent with keepAlive, each reply read whole and parsed. No
 * validation, cache, retries or records written back: what any client must do, and no more.
 *
 *   node dist-tools/bench/bare-client.js URL KEY INPUT OUTPUT CONCURRENCY
 */
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';

const [url, key, input, output, concurrencyText] = process.argv.slice(2);
const concurrency = Number(concurrencyText);
const agent = new http.Agent({ keepAlive: true });
const target = new URL(`${url}/chat/completions`);
const lines = readFileSync(input!, 'utf8').split('\n').filter((line) => line !== '');
const replies: string[] = new Array(lines.length);

function post(body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      target,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'content-length': Buffer.byteLength(body) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => (response.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`HTTP ${response.statusCode}`))));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

let next = 0;
async function worker(): Promise<void> {
  while (next < lines.length) {
    const index = next++;
    const record = JSON.parse(lines[index]!) as { messages: Array<{ role: string; content: string }> };
    const body = JSON.stringify({ max_tokens: 8192, model: 'moonshotai/Kimi-K2.6-TEE', messages: record.messages.map(({ role, content }) => ({ role, content })) });
    const reply = JSON.parse(await post(body)) as { choices: Array<{ message: { content: string } }> };
    replies[index] = reply.choices[0]!.message.content;
  }
}

await Promise.all(Array.from({ length: concurrency }, () => worker()));
writeFileSync(output!, replies.map((reply) => JSON.stringify(reply) + '\n').join(''));
agent.destroy();
