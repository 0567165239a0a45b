/**
 * The `aicr-studio` command line: `snapshot`, `manifests` and `cleanup`. Errors print as the reference
 * does (`[cli] command failed: error=... exitCode=N`) and set its exit codes. SIGINT, SIGTERM and
 * SIGHUP cancel a run and clean up, then exit 130, 143 or 129; a second signal stops the cleanup
 * (the run then says what remains); a third exits at once.
 */
import { cancelledError, describeError, exitCodeFor, isStructuredError } from '../../shared/errors.ts';
import { CLEANUP_FLAGS, SERVE_FLAGS } from './command-flags.ts';
import { formatHelp, parseFlags, type FlagSpec } from './flags.ts';
import { MANIFESTS_FLAGS, SNAPSHOT_FLAGS, snapshotOptionsFrom } from './snapshot-options.ts';
import { processTerminal, type Terminal } from './terminal.ts';

/** `cleansUp`: after a first signal the command cleans up, which a second signal can cut short. */
const COMMANDS: Record<string, { summary: string; flags: FlagSpec[]; cleansUp?: boolean }> = {
  snapshot: {
    summary:
      'Deploy the AICR agent to a GPU node, stream its logs, and write the snapshot it captures. Every run gets a run ID; its objects are named <prefix>-<run-id> and removed afterwards.',
    flags: SNAPSHOT_FLAGS,
    cleansUp: true,
  },
  manifests: { summary: 'Print the Namespace, RBAC, staging ConfigMap and Job that snapshot would create, without touching a cluster.', flags: MANIFESTS_FLAGS },
  cleanup: { summary: 'List what earlier runs left in the cluster; delete it with --run-id ID or --all-finished.', flags: CLEANUP_FLAGS },
  serve: { summary: 'Browser mode: the app on http://127.0.0.1, for hosts without a desktop. Prints the URL to open.', flags: SERVE_FLAGS },
};

const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type HandledSignal = keyof typeof SIGNAL_EXIT_CODES;

function topLevelHelp(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `Usage: aicr-studio <command> [flags]\n\nCommands:\n${rows.join('\n')}\n\nRun aicr-studio <command> --help for its flags.\n`;
}

/**
 * Signal handling for one command: the controllers it aborts and the signal that ended it, if any.
 * A command that cleans up can have its cleanup cut short by a second signal; others stop on the
 * first signal and quit at once on the second.
 */
function interruptions(term: Terminal, cleansUp: boolean) {
  const run = new AbortController();
  const cleanup = new AbortController();
  let first: HandledSignal | undefined;
  const onSignal = (signal: HandledSignal) => {
    if (first === undefined) {
      first = signal;
      term.error(`received ${signal}: ${cleansUp ? 'cancelling the run and cleaning up (send it again to stop cleaning up)' : 'stopping (send it again to quit at once)'}`);
      run.abort(cancelledError(`interrupted by ${signal}`));
    } else if (cleansUp && !cleanup.signal.aborted) {
      term.error(`received ${signal} again: stopping cleanup (send it once more to quit at once)`);
      cleanup.abort(cancelledError(`cleanup interrupted by ${signal}`));
    } else {
      process.exit(SIGNAL_EXIT_CODES[first]);
    }
  };
  const handlers = (Object.keys(SIGNAL_EXIT_CODES) as HandledSignal[]).map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  return {
    run: run.signal,
    cleanup: cleanup.signal,
    get exitCode(): number | undefined {
      return first === undefined ? undefined : SIGNAL_EXIT_CODES[first];
    },
    dispose: () => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    },
  };
}

/** Runs the CLI and returns the process exit code. */
export async function main(argv: readonly string[], term: Terminal = processTerminal()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    await term.stdout(topLevelHelp()).catch(() => {});
    return command === undefined ? 2 : 0;
  }
  const spec = COMMANDS[command];
  if (!spec) {
    term.error(`unknown command "${command}"; available: ${Object.keys(COMMANDS).join(', ')}`);
    return 2;
  }
  const interrupt = interruptions(term, spec.cleansUp === true);
  try {
    const flags = parseFlags(rest, spec.flags);
    if (flags.help) {
      await term.stdout(formatHelp(`Usage: aicr-studio ${command} [flags]`, spec.summary, spec.flags));
      return 0;
    }
    // Each command loads only what it needs: manifests never loads the cluster client (start-up time).
    if (command === 'cleanup') await (await import('./cleanup-command.ts')).cleanupCommand(flags, term, interrupt.run);
    else if (command === 'serve') await (await import('./serve-command.ts')).serveCommand(flags, term, interrupt.run);
    else if (command === 'manifests') await (await import('./manifests-command.ts')).manifestsCommand(snapshotOptionsFrom(flags), term);
    else await (await import('./snapshot-command.ts')).snapshotCommand(snapshotOptionsFrom(flags), term, { signal: interrupt.run, cleanupSignal: interrupt.cleanup });
    return 0;
  } catch (err) {
    if (interrupt.exitCode !== undefined) {
      term.error('command cancelled', { exitCode: interrupt.exitCode });
      return interrupt.exitCode;
    }
    const exitCode = exitCodeFor(err);
    term.error('command failed', { error: isStructuredError(err) ? err.message : describeError(err), exitCode });
    return exitCode;
  } finally {
    interrupt.dispose();
  }
}
