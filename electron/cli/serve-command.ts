/**
 * `aicr-studio serve`: browser mode. Starts the app's services on a kubeconfig chosen now, serves the
 * built renderer on 127.0.0.1 and prints the URL to open (it carries the access token). Ctrl-C with
 * runs going cancels them and cleans up before stopping; a second Ctrl-C stops at once.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, newError } from '../../shared/errors.ts';
import { startServer } from '../serve/server.ts';
import { ContextRegistry } from '../service/contexts.ts';
import { watchKubeconfig } from '../service/kubeconfig-watch.ts';
import { SnapshotLibrary } from '../service/library.ts';
import { RunManager } from '../service/runs.ts';
import type { ParsedFlags } from './flags.ts';
import { contextSelectionFrom } from './snapshot-options.ts';
import type { Terminal } from './terminal.ts';

export const DEFAULT_RENDERER_DIR = fileURLToPath(new URL('../../.vite/renderer/main_window', import.meta.url));

export function defaultLibraryDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_DATA_HOME || path.join(homedir(), '.local', 'share'), 'aicr-studio', 'snapshots');
}

function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) throw newError(ErrorCode.InvalidRequest, `invalid --port "${value}": a port number from 0 (any free port) to 65535`);
  return port;
}

export async function serveCommand(flags: ParsedFlags, term: Terminal, stop: AbortSignal): Promise<void> {
  const rendererDir = flags.strings.get('renderer') ?? DEFAULT_RENDERER_DIR;
  if (!existsSync(path.join(rendererDir, 'index.html'))) {
    throw newError(ErrorCode.InvalidRequest, `the renderer is not built (${rendererDir} has no index.html); run npm run build first, or use npm run serve`);
  }
  const contexts = new ContextRegistry(contextSelectionFrom(flags));
  contexts.list(); // a broken or missing kubeconfig is reported now, not in the browser
  contexts.readAheadCurrentInventory();
  const library = new SnapshotLibrary(flags.strings.get('library') ?? defaultLibraryDir());
  const runs = new RunManager(contexts, library);
  const server = await startServer({ services: { contexts, runs, library }, rendererDir, port: parsePort(flags.strings.get('port')) });
  const unwatch = watchKubeconfig(contextSelectionFrom(flags), () => {
    contexts.reload();
    runs.broadcast({ type: 'contexts-changed' });
  });
  term.info('browser mode ready', { library: library.dir });
  term.info('open this URL (it carries the access token; keep it private)');
  await term.stdout(`${server.url}\n`);
  await new Promise<void>((resolve) => stop.addEventListener('abort', () => resolve(), { once: true }));
  if (runs.activeCount > 0) term.info(`stopping: cancelling ${runs.activeCount} run(s) and cleaning up`);
  unwatch();
  await runs.cancelAll();
  await server.close();
}
