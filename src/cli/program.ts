import { Command, CommanderError, Option } from 'commander';
import { EXIT } from '../core/exit-codes.js';
import { Redactor } from '../core/redact.js';
import { errorMessage, TdError } from '../core/td-error.js';
import type { FlagSpec, StageSpec } from '../core/stage-spec.js';
import { COMMON_FLAGS, INPUT_FLAGS, OUTPUT_FLAGS, PROCESS_FLAGS } from '../pipeline/common-options.js';
import { STAGES } from '../pipeline/registry.js';
import { forTerminal } from '../core/terminal-text.js';
import { MAX_COST_FLAG, runPipelineCommand, SET_FLAG } from './run-command.js';
import { parseFlags, runStageCommand } from './run-stage.js';
import { VIEW_FLAGS } from '../view/options.js';
import { createLogger } from '../core/logger.js';
import { Session } from '../core/session.js';
import { PUSH_ARGUMENT, PUSH_FLAGS, PushOptionsSchema } from '../push/options.js';
import { exitCodeForSignal } from './process-guard.js';

function addFlag(command: Command, flag: FlagSpec): void {
  // No default is given to commander: values stay undefined here so the options schema alone applies
  // defaults (CLI and pipeline files alike); the help line already shows the schema's (flagsOf).
  command.addOption(new Option(flag.flags, flag.description));
}

function flagsFor(spec: StageSpec): FlagSpec[] {
  const io = spec.kind === 'transform' ? [...INPUT_FLAGS, ...OUTPUT_FLAGS] : spec.kind === 'source' ? OUTPUT_FLAGS : INPUT_FLAGS;
  return [...spec.flags, ...io, ...PROCESS_FLAGS];
}

/**
 * Prints an error as one line on stderr (never a stack, unless TD_DEBUG is set) and returns the exit
 * code. `redactor` is the command's session redactor when there is one: it also knows the keys read
 * from `--api-key-env` and `.env`, which the environment alone does not name.
 */
export function reportError(command: string, error: unknown, redactor = Redactor.fromEnv()): number {
  if (error instanceof TdError) {
    process.stderr.write(forTerminal(redactor.apply(`${command}: ${error.message}`), { keepLineBreaks: true }) + '\n');
    return error.exitCode;
  }
  const message = errorMessage(error);
  const stack = process.env.TD_DEBUG && error instanceof Error ? `\n${error.stack}` : ' (set TD_DEBUG=1 for a stack trace)';
  process.stderr.write(forTerminal(redactor.apply(`${command}: internal error: ${message}${stack}`), { keepLineBreaks: true }) + '\n');
  return EXIT.software;
}

export function buildProgram(version: string): Command {
  const program = new Command('td')
    .description('Turn coding-agent trajectories into training data by LLM duels.\nStages read and write JSONL: td sample | td king | td challenge | td judge | td report --out DIR')
    .version(version)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(forTerminal(text, { keepLineBreaks: true })) });

  for (const spec of STAGES) {
    const command = program.command(spec.name).description(spec.summary).exitOverride();
    if (spec.argument) command.argument(spec.argument.syntax, spec.argument.description);
    for (const flag of flagsFor(spec)) addFlag(command, flag);
    command.action(async (...args: unknown[]) => {
      // commander passes the positional argument (if any) first, then the option values.
      const values = { ...(args[spec.argument ? 1 : 0] as Record<string, unknown>) };
      if (spec.argument) values[spec.argument.key] = args[0];
      await runAction(`td ${spec.name}`, (redactor) => runStageCommand(spec, values, redactor));
    });
  }

  const run = program
    .command('run')
    .description('run the stages a pipeline file names in one process (e.g. td run pipelines/demo.toml; see docs/run.md)')
    .argument('<file>', 'pipeline file (TOML)')
    .exitOverride();
  for (const flag of COMMON_FLAGS) addFlag(run, flag);
  run.addOption(new Option(SET_FLAG.flags, SET_FLAG.description).argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]));
  run.addOption(new Option(MAX_COST_FLAG.flags, MAX_COST_FLAG.description));
  run.action(async (file: string, values: Record<string, unknown>) => {
    await runAction('td run', (redactor) => runPipelineCommand(file, values, redactor));
  });

  const view = program
    .command('view')
    .description('look at turns in a browser and mark them accept/reject (e.g. td view scored.jsonl; see docs/view.md)')
    .argument('<path>', 'a JSONL file of any stage, or a td report directory')
    .exitOverride();
  for (const flag of VIEW_FLAGS) addFlag(view, flag);
  view.action(async (path: string, values: Record<string, unknown>) => {
    await runAction('td view', async (redactor) => {
      // Loaded when td view runs: the other commands do not pay for its server and pages.
      const { runViewCommand } = await import('./view-command.js');
      return runViewCommand(path, values, redactor);
    });
  });

  addPushCommand(program);
  return program;
}

/**
 * `td push DIR --repo OWNER/NAME`: a command of its own, not a stage (no records flow). Ctrl-C or SIGTERM
 * aborts the uploads at once (nothing partial is committed) and exits 130/143.
 */
function addPushCommand(program: Command): void {
  const command = program
    .command('push')
    .description("publish a td report's data and a dataset card to the Hugging Face Hub in one commit (see docs/push.md)")
    .argument(PUSH_ARGUMENT.syntax, PUSH_ARGUMENT.description)
    .exitOverride();
  for (const flag of PUSH_FLAGS) addFlag(command, flag);
  command.action(async (dir: string, values: Record<string, unknown>) => {
    const redactor = Redactor.fromEnv();
    const stop = new AbortController();
    let interrupted: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals): void => {
      interrupted ??= signal;
      stop.abort(new Error(`stopped by ${signal}`));
    };
    process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
    try {
      const options = parseFlags(PushOptionsSchema, { ...values, dir }, PUSH_FLAGS);
      const log = createLogger({ redactor, quiet: options.quiet, prefix: 'td push' });
      const session = new Session(log, { report() {}, close() {} }, redactor, stop.signal, stop.signal);
      const { runPush } = await import('../push/push.js');
      process.exitCode = await runPush(options, session);
    } catch (error) {
      const code = reportError('td push', error, redactor);
      process.exitCode = interrupted && code === EXIT.interrupted ? exitCodeForSignal(interrupted) : code;
    } finally {
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    }
  });
}

/** A command's body, its exit code set on the process; an error that escapes it becomes one line and its exit code. */
async function runAction(command: string, body: (redactor: Redactor) => Promise<number>): Promise<void> {
  const redactor = Redactor.fromEnv();
  try {
    process.exitCode = await body(redactor);
  } catch (error) {
    process.exitCode = reportError(command, error, redactor);
  }
}

/** Runs the CLI; resolves with the exit code also set on process.exitCode. */
export async function main(argv: readonly string[], version: string): Promise<void> {
  const program = buildProgram(version);
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; commander has already printed its message for the rest.
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    process.exitCode = reportError('td', error);
  }
}
