/**
 * The `aicr-studio` command line: `snapshot` and `manifests`. Errors print as the reference does
 * (`[cli] command failed: error=... exitCode=N`) and set its exit codes.
 */
import { describeError, exitCodeFor, isStructuredError } from '../../shared/errors.ts';
import { formatHelp, parseFlags } from './flags.ts';
import { manifestsCommand } from './manifests-command.ts';
import { snapshotCommand } from './snapshot-command.ts';
import { SNAPSHOT_FLAGS, snapshotOptionsFrom } from './snapshot-options.ts';
import { processTerminal, type Terminal } from './terminal.ts';

const COMMANDS = {
  snapshot: 'Deploy the AICR agent to a GPU node, stream its logs, and write the snapshot it captures.',
  manifests: 'Print the Namespace, RBAC and Job that snapshot would create, without touching a cluster.',
} as const;

function topLevelHelp(): string {
  const rows = Object.entries(COMMANDS).map(([name, text]) => `  ${name.padEnd(10)} ${text}`);
  return `Usage: aicr-studio <command> [flags]\n\nCommands:\n${rows.join('\n')}\n\nRun aicr-studio <command> --help for its flags.\n`;
}

/** Runs the CLI and returns the process exit code. */
export async function main(argv: readonly string[], term: Terminal = processTerminal()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    term.stdout(topLevelHelp());
    return command === undefined ? 2 : 0;
  }
  if (!(command in COMMANDS)) {
    term.error(`unknown command "${command}"; available: ${Object.keys(COMMANDS).join(', ')}`);
    return 2;
  }
  const name = command as keyof typeof COMMANDS;
  const interrupt = new AbortController();
  const onSignal = () => {
    term.error('interrupted: cancelling the run and cleaning up (press Ctrl-C again to quit at once)');
    interrupt.abort(new Error('interrupted'));
    process.once('SIGINT', () => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  try {
    const flags = parseFlags(rest, SNAPSHOT_FLAGS);
    if (flags.help) {
      term.stdout(formatHelp(`Usage: aicr-studio ${name} [flags]`, COMMANDS[name], SNAPSHOT_FLAGS));
      return 0;
    }
    const options = snapshotOptionsFrom(flags);
    if (name === 'manifests') manifestsCommand(options, term);
    else await snapshotCommand(options, term, interrupt.signal);
    return 0;
  } catch (err) {
    if (interrupt.signal.aborted) {
      term.error('command cancelled');
      return 130;
    }
    const exitCode = exitCodeFor(err);
    term.error('command failed', { error: isStructuredError(err) ? err.message : describeError(err), exitCode });
    return exitCode;
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
}
