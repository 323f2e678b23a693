import { z } from 'zod';
import { decimal, flag, integer, stringList, text } from '../core/option-types.js';
import { flagsOf, option } from '../core/option-flags.js';
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

const pushOptionShape = {
  /** The `td report` output directory to publish. */
  dir: text(),
  /** The dataset repository, `OWNER/NAME`; created when missing. */
  repo: option(repoId(), { flags: '--repo <owner/name>', help: 'dataset repository on the Hub (created when missing)' }),
  /** Create the repository private (only when td creates it). */
  private: option(flag().default(false), { flags: '--private', help: 'create the repository private (when td creates it)' }),
  /** Branch to commit to; created from `main` when missing. */
  branch: option(branchName().default('main'), { flags: '--branch <name>', help: 'branch to commit to (created from main when missing)' }),
  /** Commit title; unset: `td push: N files from a td report`. */
  message: option(text().optional(), { flags: '--message <text>', help: 'commit title', unset: 'td push: N files from a td report' }),
  /** Read the token from this variable only (else HF_TOKEN, then HUGGINGFACE_API_KEY). */
  tokenEnv: option(z.string({ error: ENV_RULE }).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, ENV_RULE).optional(), {
    flags: '--token-env <name>',
    help: 'read the Hub token from this variable only (.env is read too)',
    unset: 'HF_TOKEN, else HUGGINGFACE_API_KEY',
  }),
  /** The Hub's base URL. */
  hubUrl: option(hubUrl().default(DEFAULT_HUB_URL).transform((value) => value.replace(/\/+$/, '')), { flags: '--hub-url <url>', help: 'the Hub to talk to' }),
  /** JSONL files as `td report` wrote them, or parquet through DuckDB. */
  format: option(z.enum(PUSH_FORMATS, { error: `expected one of ${PUSH_FORMATS.join('|')}` }).default('jsonl'), {
    flags: '--format <jsonl|parquet>',
    help: 'publish JSONL as td report wrote it, or parquet (through DuckDB)',
  }),
  /** Which report files to publish, one Hub config each. */
  include: option(
    stringList()
      .pipe(z.array(z.enum(PUSH_EXPORTS, { error: INCLUDE_RULE })).min(1, { error: INCLUDE_RULE }))
      .transform((names) => PUSH_EXPORTS.filter((name) => names.includes(name)))
      .default([...DEFAULT_INCLUDE]),
    { flags: '--include <names>', help: `report files to publish, one config each (${PUSH_EXPORTS.join(', ')})` },
  ),
  /** The card's license; unset: the card says `unknown` and td warns. */
  license: option(z.string({ error: LICENSE_RULE }).refine((value) => HUB_LICENSES.includes(value), LICENSE_RULE).optional(), {
    flags: '--license <id>',
    help: "the card's license, a Hub license id (unset: the card says unknown)",
  }),
  /** The card's `source_datasets`, replacing what td reads from the records. */
  sourceDatasets: option(stringList().pipe(z.array(repoId())).optional(), {
    flags: '--source-datasets <ids>',
    help: "the card's source_datasets, replacing what td reads from the records",
  }),
  /** Write the tree that would be committed into this directory and contact nothing. */
  dryRun: option(text().optional(), { flags: '--dry-run <out>', help: 'write the tree that would be committed into OUT and contact nothing' }),
  /** Attempts after the first for a Hub request that failed with 5xx, 408, 429 or a broken connection. */
  retries: option(integer(0, 20).default(4), {
    flags: '--retries <n>',
    help: 'attempts after the first for a Hub request that failed with 5xx, 408, 429 or a broken connection',
  }),
  /** Longest wait between attempts in seconds (Retry-After included). */
  maxRetryWait: option(decimal(0).default(30), { flags: '--max-retry-wait <seconds>', help: 'longest wait between attempts (Retry-After included)' }),
  /** Only warnings and errors on stderr. */
  quiet: option(flag().default(false), { flags: '-q, --quiet', help: 'print only warnings and errors on stderr' }),
  /** Upload progress on stderr: redrawn on a terminal (`auto`, `bars`), plain lines (`lines`), or `off`. */
  progress: option(z.enum(PROGRESS_SETTINGS, { error: `expected one of ${PROGRESS_SETTINGS.join('|')}` }).default('auto'), {
    flags: '--progress <mode>',
    help: 'upload progress on stderr: auto, bars, lines or off',
  }),
  /** Seconds between plain progress lines. */
  progressInterval: option(decimal(0.05).default(10), { flags: '--progress-interval <seconds>', help: 'seconds between plain progress lines' }),
};

export const PushOptionsSchema = z.object(pushOptionShape);
export type PushOptions = z.infer<typeof PushOptionsSchema>;
export type PushOptionsInput = z.input<typeof PushOptionsSchema>;

export const PUSH_ARGUMENT = { key: 'dir', syntax: '<dir>', description: 'a td report output directory' } as const;

export const PUSH_FLAGS: readonly FlagSpec[] = flagsOf(pushOptionShape);
