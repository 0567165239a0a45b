/** `aicr-studio serve` started as a user would, on a given kubeconfig; resolves with the URL it prints. */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/aicr-studio.js', import.meta.url));

export interface BrowserMode {
  url: string;
  /** The serving process (the app's main process in browser mode). */
  pid: number;
  /** Stops it as Ctrl-C would: running runs are cancelled and cleaned up first. */
  stop(): Promise<void>;
}

export async function startBrowserMode(kubeconfig: string, library: string, rendererDir?: string): Promise<BrowserMode> {
  const args = [BIN, 'serve', '--kubeconfig', kubeconfig, '--library', library, '--port', '0', ...(rendererDir ? ['--renderer', rendererDir] : [])];
  const serve = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: serve.stdout }).on('line', (line) => line.startsWith('http://') && resolve(line.trim()));
    serve.once('exit', (code) => reject(new Error(`aicr-studio serve exited with ${code}; is the renderer built (npm run build:renderer)?`)));
  });
  return {
    url,
    pid: serve.pid as number,
    stop: async () => {
      if (serve.exitCode !== null) return;
      const exited = new Promise((resolve) => serve.once('exit', resolve));
      serve.kill('SIGINT');
      await exited;
    },
  };
}
