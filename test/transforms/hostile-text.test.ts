import { describe, expect, test } from 'vitest';
import { bashBlocks, pathTokens } from '../../src/contract/agent-protocol.js';
import { closingBraces, topLevelObjects } from '../../src/transforms/judge/parse-verdict.js';
import { forbiddenPrograms, usesProgram, withoutUrls } from '../../src/transforms/judge/rules-judge.js';
import { stripQuoted } from '../../src/sinks/report/action-style.js';
import { callWithin } from '../helpers/bounded.js';

// Every pattern that reads model or dataset text must take time linear in it. Two kinds of test: the
// rewritten scanners and regexes agree with the patterns they replace on many random texts (the old
// patterns are kept here as the reference), and each reader finishes on a megabyte built to make a
// backtracking pattern retry the same text from every position (what took minutes before).

const MB = 1 << 20;
const DEADLINE = 30_000;
const rep = (unit: string, length = MB): string => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

/** A seeded generator of random texts over an alphabet of pieces. */
function randomTexts(seed: number, pieces: readonly string[], count: number, maxPieces = 24): string[] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, () => Array.from({ length: Math.floor(next() * maxPieces) }, () => pieces[Math.floor(next() * pieces.length)]).join(''));
}

const EXTENSIONS = 'py|pyi|js|jsx|ts|tsx|mjs|cjs|go|rs|java|kt|rb|php|c|h|cc|cpp|hpp|cs|swift|scala|sh|toml|yaml|yml|json|cfg|ini|md|rst|txt|sql|html|css';
const PATH_BODY = String.raw`(?:\.{0,2}\/)?(?:[\w.-]+\/)+[\w.-]*\w`;
const FILE_NAME_BODY = String.raw`[\w-]+\.(?:${EXTENSIONS})\b`;
const reference = {
  paths: (text: string, standalone: boolean) => [...text.matchAll(new RegExp((standalone ? String.raw`(?<![\w/.-])` : '') + PATH_BODY, 'g'))].map((m) => m[0]),
  fileNames: (text: string, standalone: boolean) => [...text.matchAll(new RegExp((standalone ? String.raw`(?<![\w/.-])` : String.raw`\b`) + FILE_NAME_BODY, 'g'))].map((m) => m[0]),
  stripQuoted: (script: string) => script.replace(/'[^']*'|"(?:[^"\\]|\\.)*"/g, "''"),
  withoutUrls: (text: string) => text.replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, ' '),
  bashBlocks: (reply: string) => [...reply.matchAll(/```bash\s*\n([\s\S]*?)\n```/g)].map((m) => ({ index: m.index, block: m[0], command: m[1]! })),
  usesProgram: (command: string, program: string) => {
    const [name, flag] = program.split(' ');
    const start = String.raw`(?:^|[|;&(\x60]|\$\()\s*(?:sudo\s+)?`;
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(flag === undefined ? `${start}${escape(name!)}(?=\\s|$|;|\\))` : `${start}${escape(name!)}\\s+${escape(flag)}\\b`, 'm').test(command);
  },
  topLevelObjects: (text: string, lenient: boolean) => {
    const closing: Record<string, string> = { '"': '"', "'": "'", '“': '”' };
    const matching = (start: number): number => {
      let depth = 0;
      for (let i = start; i < text.length; i++) {
        const c = text[i]!;
        if (c === '"' || (lenient && (c === "'" || c === '“'))) {
          for (i++; i < text.length && text[i] !== closing[c]; i++) if (text[i] === '\\') i++;
          if (i >= text.length) return -1;
        } else if (c === '{') depth++;
        else if (c === '}' && --depth === 0) return i;
      }
      return -1;
    };
    const found: string[] = [];
    for (let from = 0; ; ) {
      const start = text.indexOf('{', from);
      if (start < 0) return found;
      const end = matching(start);
      if (end < 0) from = start + 1;
      else {
        found.push(text.slice(start, end + 1));
        from = end + 1;
      }
    }
  },
};

describe('rewritten patterns agree with the patterns they replace', () => {
  test('paths and file names, standalone or not', () => {
    const texts = randomTexts(1, ['a', 'B', '1', '_', '-', '.', '/', ' ', 'py', '.py', '.pyi', './', '../', '//', 'x', '\n', '(', 'é'], 20_000);
    for (const text of texts) {
      for (const standalone of [false, true]) {
        expect(pathTokens(text, { standalone }), JSON.stringify(text)).toEqual({ paths: reference.paths(text, standalone), fileNames: reference.fileNames(text, standalone) });
      }
    }
  });

  test('brace matching, strict and lenient', () => {
    const texts = randomTexts(2, ['{', '}', '"', "'", '“', '”', '\\', 'a', ' ', ':', ','], 20_000, 30);
    for (const text of texts) {
      for (const lenient of [false, true]) expect(topLevelObjects(text, lenient), JSON.stringify(text)).toEqual(reference.topLevelObjects(text, lenient));
    }
  });

  test('bash blocks, quoted strings, URLs and program starts', () => {
    const replies = randomTexts(3, ['```bash', '```', '\n', ' ', 'x', 'ls', '\n```'], 10_000);
    for (const reply of replies) expect(bashBlocks(reply), JSON.stringify(reply)).toEqual(reference.bashBlocks(reply));
    const scripts = randomTexts(4, ["'", '"', '\\', '\n', 'a', ' ', '\u2028', '\r'], 20_000);
    for (const script of scripts) expect(stripQuoted(script), JSON.stringify(script)).toEqual(reference.stripQuoted(script));
    const texts = randomTexts(5, ['a', 'B', '1', '+', '.', '-', ':', '//', ' ', 'http://', 'x', '\n'], 20_000);
    for (const text of texts) expect(withoutUrls(text), JSON.stringify(text)).toEqual(reference.withoutUrls(text));
    const commands = randomTexts(6, ['python', 'sudo', 'bash', '-c', ' ', '\n', '\t', '|', ';', '&', '(', '$(', '`', ')', 'x', '\r', '\u2028', '\u00a0'], 20_000, 12);
    for (const command of commands) {
      for (const program of ['python', 'bash -c', 'sudo']) expect(usesProgram(command, program), JSON.stringify([command, program])).toBe(reference.usesProgram(command, program));
    }
  });

  test('a prompt read as sentences finds the same forbidden programs', () => {
    expect(forbiddenPrograms('Rules:\n\n\n- Do not use python.\n  \n 2. never run pytest\n- cd is fine')).toEqual(['pytest', 'python']);
    expect(forbiddenPrograms('You may use python.\n\n- Do not use cd')).toEqual(['cd']);
  });
});

describe('a megabyte built to make a backtracking pattern retry itself is read in linear time', () => {
  // Each case ran for minutes (some for hours) before: quadratic in the text's length.
  test('the leak check', { timeout: DEADLINE * 2 }, async () => {
    const history = [{ role: 'user', content: 'Observation: README.md' }];
    const pr = { problem_statement: 'p', patch: 'diff --git a/x.py b/x.py\n+foo_bar = 1\n', files: ['x.py'] };
    for (const turn of [`THOUGHT: echo ${rep('A')}`, rep('a-'), `a/${rep('-/')}`, rep('AB'), rep('a.')]) {
      await expect(callWithin(DEADLINE, 'transforms/generate/leak-check.js', 'checkLeak', turn, history, pr)).resolves.toMatchObject({ suspect: false });
    }
  });

  test('the leak check of a turn naming a hundred thousand identifiers against a megabyte of history and PR', { timeout: DEADLINE }, async () => {
    const text = rep('the parser drops the last token; ');
    const turn = Array.from({ length: 100_000 }, (_, i) => `tokenize_line${i}`).join(' ');
    const verdict = await callWithin<{ suspect: boolean }>(DEADLINE, 'transforms/generate/leak-check.js', 'checkLeak', turn, [{ role: 'user', content: text }], { problem_statement: text, patch: text, files: [] });
    expect(verdict.suspect).toBe(false);
  });

  test('the leak check with a hidden PR and a history built against the turn', { timeout: DEADLINE }, async () => {
    // A text of one word repeated, and thousands of distinct tokens made of it: the comparisons are capped.
    const text = rep('foo_bar/');
    const turn = Array.from({ length: 20_000 }, (_, i) => `foo_bar/${'foo_bar.'.repeat(i % 50)}foo_bar-${'x'.repeat(i % 7)}`).join(' ');
    const verdict = await callWithin<{ suspect: boolean }>(DEADLINE, 'transforms/generate/leak-check.js', 'checkLeak', turn, [{ role: 'user', content: text }], { problem_statement: text, patch: text, files: [] });
    expect(verdict.suspect).toBe(false);
  });

  test('the verdict parser', { timeout: DEADLINE * 2 }, async () => {
    for (const reply of [rep('{'), rep('{"'), rep("{'"), rep('<think>'), `{"reason": "r", "winner": "candidate${rep(' ')}x"}`]) {
      await expect(callWithin(DEADLINE, 'transforms/judge/parse-verdict.js', 'parseVerdict', reply)).resolves.toMatchObject({ ok: false });
    }
  });

  test('the brace matching reads each character a bounded number of times', () => {
    for (const text of [rep('{', MB / 4), rep('{"', MB / 4), rep('{\'"“\\', MB / 4), rep('"{', MB / 4), rep('“{“”', MB / 4)]) {
      for (const lenient of [false, true]) {
        const steps = { count: 0 };
        closingBraces(text, lenient, steps);
        // At most seven groups of matchings per character, and each matching moved once per doubling of its group.
        expect(steps.count).toBeLessThan(30 * text.length);
      }
    }
  });

  test('the rules judge', { timeout: DEADLINE * 4 }, async () => {
    const history = (system: string) => [{ role: 'system', content: system }, { role: 'user', content: 'task' }];
    const prompt = 'Do not use python. Never use sudo or bash -c.';
    const turns = [
      `THOUGHT: x\n\n\`\`\`bash\nls${rep('\n')}\n\`\`\``,
      `THOUGHT: x\n\n\`\`\`bash\n${rep('sudo ')}\n\`\`\``,
      `THOUGHT: x\n\n\`\`\`bash\nls -${rep('R')}!\n\`\`\``,
      `THOUGHT: ${rep('ab')}:/\n\n\`\`\`bash\nls\n\`\`\``,
      `THOUGHT: ${Array.from({ length: 100_000 }, (_, i) => `a/${i}`).join(' ')}\n\n\`\`\`bash\nls\n\`\`\``,
    ];
    for (const turn of turns) {
      await expect(callWithin(DEADLINE, 'transforms/judge/rules-judge.js', 'assessTurn', turn, history(prompt))).resolves.toMatchObject({ protocol: expect.any(Number) });
    }
    // A hundred thousand paths against a megabyte of conversation: the paths checked are capped.
    const long = [...history(prompt), { role: 'user', content: rep('Observation: src/parser.py ') }];
    await expect(callWithin(DEADLINE, 'transforms/judge/rules-judge.js', 'assessTurn', turns[4], long)).resolves.toMatchObject({ grounding: 4 });
    await expect(callWithin(DEADLINE, 'transforms/judge/rules-judge.js', 'forbiddenPrograms', `Do not use python.${rep('\n')}- never cd`)).resolves.toEqual(['cd', 'python']);
  });

  test('the format gate, td/repair and the report\'s action styles', { timeout: DEADLINE * 4 }, async () => {
    const unclosed = rep('```bash\nx```');
    await expect(callWithin(DEADLINE, 'transforms/generate/format-gate.js', 'checkFormat', unclosed)).resolves.toMatchObject({ ok: false });
    await expect(callWithin(DEADLINE, 'transforms/generate/repair-turn.js', 'repairTurn', unclosed)).resolves.toBe(unclosed);
    for (const reply of [`\`\`\`bash\n${rep('sudo ')}\n\`\`\``, `\`\`\`bash\necho "${rep('\\"')}\n\`\`\``, `\`\`\`${rep(' ')}x`]) {
      await expect(callWithin(DEADLINE, 'sinks/report/action-style.js', 'actionStyle', reply)).resolves.toEqual(expect.any(String));
    }
  });

  test('the prompts: a message, a patch or a PR field with a long run of inner spaces', { timeout: DEADLINE * 2 }, async () => {
    const spaced = `a${rep(' ')}a`;
    const judge = { history: [{ role: 'user', content: spaced }], first: 'x', second: 'y', goldPatch: spaced, historyChars: 48_000 };
    await expect(callWithin(DEADLINE, 'transforms/judge/judge-prompt.js', 'judgeMessages', judge)).resolves.toMatchObject({ nonce: expect.any(String) });
    const pr = { problem_statement: spaced, patch: spaced, files: [] };
    await expect(callWithin(DEADLINE, 'transforms/generate/challenge-prompt.js', 'challengeMessages', [{ role: 'user', content: 'task' }], pr)).resolves.toHaveLength(2);
  });

  test("td sample's reading of a patch's diff header", { timeout: DEADLINE }, async () => {
    await expect(callWithin(DEADLINE, 'sources/sample/patch-files.js', 'patchFiles', `diff --git a/x${rep(' b/')}\u2028 b/y`)).resolves.toEqual(['y']);
  });
});
