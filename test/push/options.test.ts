import { describe, expect, it } from 'vitest';
import { DEFAULT_HUB_URL, PushOptionsSchema } from '../../src/push/options.js';
import { makeReport, runPush } from '../helpers/push.js';

describe('td push options', () => {
  it('defaults to the real Hub, main, JSONL and the training files', () => {
    const options = PushOptionsSchema.parse({ dir: 'r', repo: 'acme/duels' });
    expect(options).toMatchObject({ hubUrl: DEFAULT_HUB_URL, branch: 'main', format: 'jsonl', include: ['final', 'refined', 'sft', 'dpo'], private: false, retries: 4 });
    expect(DEFAULT_HUB_URL).toBe('https://huggingface.co');
  });

  it('keeps --include in report order whatever order it is given in', () => {
    expect(PushOptionsSchema.parse({ dir: 'r', repo: 'a/b', include: 'dpo, turns,final' }).include).toEqual(['final', 'dpo', 'turns']);
  });

  it('checks every flag before reading anything, with one line naming the flag (64)', async () => {
    const report = await makeReport();
    const cases: Array<[string[], string]> = [
      [['--repo', 'duels'], '--repo: expected OWNER/NAME'],
      [['--repo', 'acme/du..els'], '--repo: expected OWNER/NAME'],
      [['--repo', 'a/b', '--include', 'final,bogus'], '--include.1: expected a comma-separated list of final, refined, defeat, parse-fail, sft, dpo, turns'],
      [['--repo', 'a/b', '--format', 'csv'], '--format: expected one of jsonl|parquet, got "csv" (string)'],
      [['--repo', 'a/b', '--branch', '-x'], '--branch: expected a branch name'],
      [['--repo', 'a/b', '--hub-url', 'ftp://hub'], '--hub-url: expected an http(s) URL such as https://huggingface.co'],
      [['--repo', 'a/b', '--token-env', 'HF-TOKEN'], '--token-env: expected an environment variable name'],
    ];
    for (const [flags, message] of cases) {
      const result = await runPush([report, ...flags, '--dry-run', 'never-written']);
      expect([result.code, result.stderr.split('\n')[0]], flags.join(' ')).toEqual([64, expect.stringContaining(`td push: ${message}`)]);
    }
  });

  it('refuses a directory that is not a td report (66), and a dry-run directory that is not empty (64)', async () => {
    const notReport = await runPush(['/nonexistent/report', '--repo', 'a/b', '--dry-run', 'x']);
    expect([notReport.code, notReport.stderr.trim()]).toEqual([66, 'td push: cannot read report directory /nonexistent/report: no such file or directory']);
    const report = await makeReport();
    const full = await runPush([report, '--repo', 'a/b', '--dry-run', report]);
    expect([full.code, full.stderr.trim()]).toEqual([64, `td push: --dry-run ${report}: not empty; choose a new or empty directory`]);
  });
});
