import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonl } from '../helpers/records.js';
import { runReport, tempDir } from '../helpers/report.js';
import { scoredRecord } from '../helpers/scored.js';
import { HOSTILE_REPLY, viewRecords } from '../helpers/view-records.js';
import { rawRequest, startTestView, type HttpResult } from '../helpers/view.js';

const HOSTILE_ID = 'x"><script>alert(1)</script>';

function writeRecords(records: readonly unknown[] = viewRecords()): string {
  const dir = tempDir('td-view-');
  const path = join(dir, 'scored.jsonl');
  writeFileSync(path, jsonl(records));
  writeFileSync(join(dir, 'secret.txt'), 'SENTINEL-not-to-be-served\n');
  return path;
}

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
const corsHeaders = (result: HttpResult): string[] => Object.keys(result.headers).filter((name) => name.startsWith('access-control-'));
const id5 = viewRecords()[5]!.id;

describe('td view server: the session token', () => {
  it('refuses every path without the token, or with a wrong one', async () => {
    const t = await startTestView(writeRecords());
    const paths = ['/', `/turn?id=${encodeURIComponent(id5)}`, `/raw?id=${encodeURIComponent(id5)}`, '/static/style.css', '/static/app.js', '/nope', '/favicon.ico'];
    for (const path of paths) {
      const bare = await rawRequest(t.view.port, { path, headers: { host: `127.0.0.1:${t.view.port}` } });
      expect([path, bare.status]).toEqual([path, 403]);
      expect(bare.body).toContain('needs the session token');
      const sep = path.includes('?') ? '&' : '?';
      for (const wrong of ['0'.repeat(64), t.token.slice(0, -1), `${t.token}0`, t.token.toUpperCase()]) {
        const result = await rawRequest(t.view.port, { path: `${path}${sep}t=${wrong}`, headers: { host: `127.0.0.1:${t.view.port}` } });
        expect([path, wrong, result.status]).toEqual([path, wrong, 403]);
      }
    }
    expect((await t.get('/')).status).toBe(200);
    expect((await t.get('/static/style.css')).status).toBe(200);
    const posted = await rawRequest(t.view.port, {
      method: 'POST',
      path: '/api/marks',
      headers: { host: `127.0.0.1:${t.view.port}`, origin: t.origin, 'content-type': 'application/json' },
      body: JSON.stringify({ id: id5, mark: 'reject' }),
    });
    expect(posted.status).toBe(403);
    expect(t.view.marks.size).toBe(0);
  });

  it('answers only the loopback names on loopback (a DNS-rebinding page arrives under its own name)', async () => {
    const t = await startTestView(writeRecords());
    expect((await t.get('/', {}, { host: `evil.example:${t.view.port}` })).status).toBe(403);
    expect((await t.get('/', {}, { host: `127.0.0.1:${t.view.port + 1}` })).status).toBe(403);
    expect((await t.get('/', {}, { host: `localhost:${t.view.port}` })).status).toBe(200);
  });
});

describe('td view server: changes', () => {
  it('accepts a mark only from its own origin, as JSON, for a turn it has', async () => {
    const path = writeRecords();
    const t = await startTestView(path);
    const marks = `${path}.marks.jsonl`;
    const body = { id: id5, mark: 'reject', note: 'leaks the fix' };
    expect((await t.post('/api/marks', body, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await t.post('/api/marks', body, { origin: `http://localhost:${t.view.port + 1}` })).status).toBe(403);
    expect((await t.post('/api/marks', body, { origin: '' })).status).toBe(403);
    expect((await t.post('/api/marks', body, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await t.post('/api/marks', body, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await t.post('/api/marks', '{"id":', {})).status).toBe(400);
    const bad = await t.post('/api/marks', { id: id5, mark: 'maybe' });
    expect([bad.status, bad.body]).toEqual([400, 'td view: mark: expected one of "accept"|"reject"|"clear", got "maybe" (string)\n']);
    expect((await t.post('/api/marks', { id: 'no-such-turn', mark: 'accept' })).status).toBe(404);
    expect((await t.get('/api/marks')).status).toBe(405);
    expect(() => readFileSync(marks)).toThrow();

    const saved = await t.post('/api/marks', body);
    expect(saved.status).toBe(200);
    const line = JSON.parse(readFileSync(marks, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(line)).toEqual(['id', 'mark', 'note', 'at']);
    expect(line).toMatchObject(body);
    expect(JSON.parse(saved.body)).toEqual(line);
    expect(t.logs).toContain(`rejected ${id5}`);
  });

  it('appends every mark, keeps the note when a mark comes without one, and never touches the input', async () => {
    const path = writeRecords();
    const before = sha(path);
    const t = await startTestView(path);
    await t.post('/api/marks', { id: id5, mark: 'reject', note: 'first' });
    await t.post('/api/marks', { id: id5, mark: 'accept' });
    const lines = readFileSync(`${path}.marks.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.mark, l.note])).toEqual([
      ['reject', 'first'],
      ['accept', 'first'],
    ]);
    expect(sha(path)).toBe(before);
  });

  it('shows the last mark of an earlier session when started again', async () => {
    const path = writeRecords();
    const first = await startTestView(path);
    await first.post('/api/marks', { id: id5, mark: 'accept', note: 'good' });
    await first.post('/api/marks', { id: id5, mark: 'reject', note: 'no: it leaks' });
    await first.view.close();
    const second = await startTestView(path);
    const page = await second.get('/turn', { id: id5 });
    expect(page.body).toContain(`data-mark-for="${id5}">rejected</span>`);
    expect(page.body).toContain('>no: it leaks</textarea>');
  });

  it('says when marks cannot be saved, and refuses them', async () => {
    const path = writeRecords();
    const marks = join(tempDir(), 'missing', 'marks.jsonl');
    const t = await startTestView(path, { marks });
    expect(t.view.marks.readOnlyReason).toBe(`cannot write ${marks}: no such file or directory`);
    expect(t.logs).toContain(`warning: marks cannot be saved: cannot write ${marks}: no such file or directory (use --marks FILE)`);
    expect((await t.get('/')).body).toContain('Marks cannot be saved');
    expect((await t.post('/api/marks', { id: id5, mark: 'reject' })).status).toBe(409);
  });
});

describe('td view server: what it sends', () => {
  it('sends no CORS header on any response, and the same security headers on all', async () => {
    const t = await startTestView(writeRecords());
    const responses = [
      await t.get('/'),
      await t.get('/turn', { id: id5 }),
      await t.get('/static/style.css'),
      await t.get('/nope'),
      await rawRequest(t.view.port, { path: '/', headers: { host: `127.0.0.1:${t.view.port}`, origin: 'http://evil.example' } }),
      await rawRequest(t.view.port, { method: 'OPTIONS', path: `/api/marks?t=${t.token}`, headers: { host: `127.0.0.1:${t.view.port}`, origin: 'http://evil.example', 'access-control-request-method': 'POST' } }),
      await t.post('/api/marks', { id: id5, mark: 'accept' }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 404, 403, 405, 200]);
    for (const response of responses) {
      expect(corsHeaders(response)).toEqual([]);
      expect(response.headers['content-security-policy']).toContain("default-src 'none'");
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['cache-control']).toBe('no-store');
    }
  });

  it('escapes every piece of record text: <script> and </textarea> in replies, ids and notes show as text', async () => {
    const records = viewRecords();
    records[3] = { ...records[3]!, id: HOSTILE_ID, king: '</pre></textarea><script>alert(2)</script>', repo: '<b>repo</b>' };
    const t = await startTestView(writeRecords(records));
    await t.post('/api/marks', { id: id5, mark: 'reject', note: '</textarea><script>alert(3)</script>' });
    const pages = [await t.get('/'), await t.get('/turn', { id: id5 }), await t.get('/turn', { id: HOSTILE_ID }), await t.get('/', { q: '<script>' })];
    for (const page of pages) {
      expect(page.status).toBe(200);
      // td view's own script tag is the only one; a textarea opens and closes once at most.
      expect(page.body.match(/<script/g)).toHaveLength(1);
      expect(page.body).not.toContain('<script>');
      expect(page.body.match(/<\/textarea>/g)?.length ?? 0).toBeLessThanOrEqual(1);
      expect(page.body).not.toContain('<b>repo</b>');
      expect(page.body).not.toContain('<img src=x');
    }
    const turn = pages[1]!.body;
    expect(turn).toContain('&lt;/textarea&gt;&lt;script&gt;document.title = &quot;pwned&quot;&lt;/script&gt;');
    expect(turn).toContain('>&lt;/textarea&gt;&lt;script&gt;alert(3)&lt;/script&gt;</textarea>');
    expect(pages[2]!.body).toContain('&lt;/pre&gt;&lt;/textarea&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(pages[2]!.body).toContain(`<h1 id="turn-id">x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</h1>`);
    expect(pages[0]!.body).toContain('&lt;b&gt;repo&lt;/b&gt;');
    expect(HOSTILE_REPLY).toContain('</textarea><script>');
  });

  it('lets no path from the URL reach the file system', async () => {
    const path = writeRecords();
    const t = await startTestView(path);
    const attempts = [
      '/static/../../package.json',
      '/static/..%2f..%2fpackage.json',
      '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/..%5c..%5cetc%5cpasswd',
      '//etc/passwd',
      '/secret.txt',
      '/static/../secret.txt',
      '/static/app.js/../../../../etc/passwd',
      '/static/style.css%00.txt',
      `/static/${encodeURIComponent(path)}`,
      path,
    ];
    for (const attempt of attempts) {
      const result = await rawRequest(t.view.port, { path: `${attempt}${attempt.includes('?') ? '&' : '?'}t=${t.token}`, headers: { host: `127.0.0.1:${t.view.port}` } });
      expect([attempt, result.status]).toEqual([attempt, 404]);
      expect(result.body).not.toMatch(/root:|SENTINEL|"name": "td"/);
    }
    for (const id of ['../../../etc/passwd', '/etc/passwd', join(path, '..', 'secret.txt'), path]) {
      for (const route of ['/turn', '/raw']) {
        const result = await t.get(route, { id });
        expect([route, id, result.status]).toEqual([route, id, 404]);
        expect(result.body).not.toMatch(/root:|SENTINEL/);
      }
    }
  });
});

describe('td view server: pages', () => {
  it('serves a turn with the side-by-side, every verdict, and neighbours within the list it was opened from', async () => {
    const t = await startTestView(writeRecords());
    const records = viewRecords();
    const defeats = records.filter((r) => r.score !== null && r.score < 66).map((r) => r.id);
    const page = await t.get('/turn', { id: defeats[1]!, bucket: 'defeat' });
    expect(page.status).toBe(200);
    expect(page.body).toContain('id="side-by-side"');
    expect(page.body).toContain('king (blind)');
    expect(page.body).toContain('challenger (saw the PR)');
    expect(page.body.match(/<tr>\n<td class="mono">judge-/g)).toHaveLength(records.find((r) => r.id === defeats[1])!.judgement.verdicts.length);
    expect(page.body).toContain(`2 of ${defeats.length} in this list`);
    expect(page.body).toContain(`id="prev" href="/turn?t=${t.token}&amp;id=${encodeURIComponent(defeats[0]!)}&amp;bucket=defeat"`);
    expect(page.body).toContain(`id="next" href="/turn?t=${t.token}&amp;id=${encodeURIComponent(defeats[2]!)}&amp;bucket=defeat"`);
  });

  it('serves the raw record as JSON, and says so when the file changed since indexing', async () => {
    const path = writeRecords([scoredRecord({ index: 0 }), scoredRecord({ index: 1 })]);
    const t = await startTestView(path);
    const raw = await t.get('/raw', { id: scoredRecord({ index: 1 }).id });
    expect(raw.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(raw.body)).toEqual(scoredRecord({ index: 1 }));
    writeFileSync(path, jsonl([scoredRecord({ index: 5 }), scoredRecord({ index: 6 })]));
    const stale = await t.get('/turn', { id: scoredRecord({ index: 1 }).id });
    expect(stale.status).toBe(409);
    expect(stale.body).toContain('the file changed after td view indexed it (restart td view)');
  });

  it('shows a td report directory with its buckets and its gate, and keeps its marks beside it', async () => {
    const out = join(tempDir('td-view-'), 'report');
    await runReport([90, 70, 20, null].map((score, index) => scoredRecord({ index, score })), { out });
    const t = await startTestView(out);
    const list = await t.get('/');
    expect(list.body).toMatch(/<div class="counts" id="gate">gate <span class="badge b-(pass|fail)">(PASS|FAIL)<\/span>/);
    expect(list.body).toContain('4</strong> <span>of 4 turns match');
    expect(list.body.match(/<td class="bucket"><span class="badge b-([a-z-]+)">/g)!.map((cell) => /b-([a-z-]+)/.exec(cell)![1])).toEqual(['final', 'refined', 'defeat', 'parse-fail']);
    expect(t.view.marks.path).toBe(`${out}.marks.jsonl`);
  });

  it('says what is wrong with a bad filter', async () => {
    const t = await startTestView(writeRecords());
    const bad = await t.get('/', { bucket: 'best' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('bucket: expected one of &quot;final&quot;|&quot;refined&quot;|&quot;defeat&quot;|&quot;parse-fail&quot;|&quot;rejected&quot;|&quot;unjudged&quot;, got &quot;best&quot; (string)');
  });
});
