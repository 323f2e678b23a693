import { z } from 'zod';
import { decimal, flag, integer, stringList, text } from '../core/option-types.js';
import type { FlagSpec } from '../core/stage-spec.js';
import { HUB_LICENSES } from './licenses.js';

/** Where td push sends everything unless `--hub-url` says otherwise: the real Hugging Face Hub. */
export const DEFAULT_HUB_URL = 'https://huggingface.co';

/** The report files td push can publish, each as one Hub config of the same name. */
export const PUSH_EXPORTS = ['final', 'refined', 'defeat', 'parse-fail', 'sft', 'dpo', 'turns'] as const;
export type PushExport = (typeof PUSH_EXPORTS)[number];
/** What is published without `--include`: the training data and the turns it came from. */
export const DEFAULT_INCLUDE: readonly PushExport[] = ['final', 'refined', 'sft', 'dpo'];

export const PUSH_FORMATS = ['jsonl', 'parquet'] as const;
export const PROGRESS_SETTINGS = ['auto', 'bars', 'lines', 'off'] as const;

const HUB_NAME = '[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?';
const REPO_RULE = 'expected OWNER/NAME (letters, digits, ".", "_", "-"; e.g. my-org/td-duels)';
const repoId = () =>
  z
    .string({ error: REPO_RULE })
    .regex(new RegExp(`^${HUB_NAME}/${HUB_NAME}$`), REPO_RULE)
    .refine((value) => !/--|\.\./.test(value), REPO_RULE);

const BRANCH_RULE = 'expected a branch name (letters, digits, ".", "_", "-", "/"), not starting with "-" or "/"';
const branchName = () =>
  z
    .string({ error: BRANCH_RULE })
    .regex(/^[A-Za-z0-9_.][A-Za-z0-9_./-]*$/, BRANCH_RULE)
    .refine((value) => !/\.\.|\/\/|\/$|\.lock$|^refs\//.test(value), BRANCH_RULE);

const ENV_RULE = 'expected an environment variable name (letters, digits, _)';
const HUB_URL_RULE = `expected an http(s) URL such as ${DEFAULT_HUB_URL}`;
const hubUrl = () =>
  z.string({ error: HUB_URL_RULE }).refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.search === '' && url.hash === '';
    } catch {
      return false;
    }
  }, HUB_URL_RULE);

const LICENSE_RULE = 'expected a license identifier the Hub knows (apache-2.0, mit, cc-by-4.0, ... other; see docs/push.md)';
const INCLUDE_RULE = `expected a comma-separated list of ${PUSH_EXPORTS.join(', ')}`;

export const PushOptionsSchema = z.object({
  /** The `td report` output directory to publish. */
  dir: text(),
  /** The dataset repository, `OWNER/NAME`; created when missing. */
  repo: repoId(),
  /** Create the repository private (only when td creates it). @default false */
  private: flag().default(false),
  /** Branch to commit to; created from `main` when missing. @default main */
  branch: branchName().default('main'),
  /** Commit title. @default `td push: N files from a td report` */
  message: text().optional(),
  /** Read the token from this variable only (else HF_TOKEN, then HUGGINGFACE_API_KEY). */
  tokenEnv: z.string({ error: ENV_RULE }).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, ENV_RULE).optional(),
  /** The Hub's base URL. @default https://huggingface.co */
  hubUrl: hubUrl().default(DEFAULT_HUB_URL).transform((value) => value.replace(/\/+$/, '')),
  /** JSONL files as `td report` wrote them, or parquet through DuckDB. @default jsonl */
  format: z.enum(PUSH_FORMATS, { error: `expected one of ${PUSH_FORMATS.join('|')}` }).default('jsonl'),
  /** Which report files to publish, one Hub config each. @default final,refined,sft,dpo */
  include: stringList()
    .pipe(z.array(z.enum(PUSH_EXPORTS, { error: INCLUDE_RULE })).min(1, { error: INCLUDE_RULE }))
    .transform((names) => PUSH_EXPORTS.filter((name) => names.includes(name)))
    .default([...DEFAULT_INCLUDE]),
  /** The card's license; unset: the card says `unknown` and td warns. */
  license: z.string({ error: LICENSE_RULE }).refine((value) => HUB_LICENSES.includes(value), LICENSE_RULE).optional(),
  /** The card's `source_datasets`, replacing what td reads from the records. */
  sourceDatasets: stringList()
    .pipe(z.array(repoId()))
    .optional(),
  /** Write the tree that would be committed into this directory and contact nothing. */
  dryRun: text().optional(),
  /** Attempts after the first for a Hub request that failed with 5xx, 408, 429 or a broken connection. @default 4 */
  retries: integer(0, 20).default(4),
  /** Longest wait between attempts in seconds (Retry-After included). @default 30 */
  maxRetryWait: decimal(0).default(30),
  /** Only warnings and errors on stderr. @default false */
  quiet: flag().default(false),
  /** Upload progress on stderr: redrawn on a terminal (`auto`, `bars`), plain lines (`lines`), or `off`. @default auto */
  progress: z.enum(PROGRESS_SETTINGS, { error: `expected one of ${PROGRESS_SETTINGS.join('|')}` }).default('auto'),
  /** Seconds between plain progress lines. @default 10 */
  progressInterval: decimal(0.05).default(10),
});
export type PushOptions = z.infer<typeof PushOptionsSchema>;
export type PushOptionsInput = z.input<typeof PushOptionsSchema>;

export const PUSH_ARGUMENT = { key: 'dir', syntax: '<dir>', description: 'a td report output directory' } as const;

export const PUSH_FLAGS: readonly FlagSpec[] = [
  { key: 'repo', flags: '--repo <owner/name>', description: 'dataset repository on the Hub (created when missing)' },
  { key: 'private', flags: '--private', description: 'create the repository private (when td creates it)' },
  { key: 'branch', flags: '--branch <name>', description: 'branch to commit to (created from main when missing)', defaultText: 'main' },
  { key: 'message', flags: '--message <text>', description: 'commit title', defaultText: 'td push: N files from a td report' },
  { key: 'tokenEnv', flags: '--token-env <name>', description: 'read the Hub token from this variable only (.env is read too)', defaultText: 'HF_TOKEN, else HUGGINGFACE_API_KEY' },
  { key: 'hubUrl', flags: '--hub-url <url>', description: 'the Hub to talk to', defaultText: DEFAULT_HUB_URL },
  { key: 'format', flags: '--format <jsonl|parquet>', description: 'publish JSONL as td report wrote it, or parquet (through DuckDB)', defaultText: 'jsonl' },
  { key: 'include', flags: '--include <names>', description: `report files to publish, one config each (${PUSH_EXPORTS.join(', ')})`, defaultText: DEFAULT_INCLUDE.join(',') },
  { key: 'license', flags: '--license <id>', description: "the card's license, a Hub license id (unset: the card says unknown)" },
  { key: 'sourceDatasets', flags: '--source-datasets <ids>', description: "the card's source_datasets, replacing what td reads from the records" },
  { key: 'dryRun', flags: '--dry-run <out>', description: 'write the tree that would be committed into OUT and contact nothing' },
  { key: 'retries', flags: '--retries <n>', description: 'attempts after the first for a Hub request that failed with 5xx, 408, 429 or a broken connection', defaultText: '4' },
  { key: 'maxRetryWait', flags: '--max-retry-wait <seconds>', description: 'longest wait between attempts (Retry-After included)', defaultText: '30' },
  { key: 'quiet', flags: '-q, --quiet', description: 'print only warnings and errors on stderr' },
  { key: 'progress', flags: '--progress <mode>', description: 'upload progress on stderr: auto, bars, lines or off', defaultText: 'auto' },
  { key: 'progressInterval', flags: '--progress-interval <seconds>', description: 'seconds between plain progress lines', defaultText: '10' },
];
