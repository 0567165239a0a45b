/** Running the aicr-studio command as a user would, as a child process, with its output and exit. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { cluster } from './helpers.ts';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  child: ChildProcess;
  /** Resolves when stderr has printed text matching the pattern. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  done: Promise<CliResult>;
}

const BIN = path.resolve('bin/aicr-studio.js');

/** Starts `node bin/aicr-studio.js <args>`; `--kubeconfig` of the test cluster is added unless the args name one. */
export function startCli(args: string[], options: { stdout?: 'pipe' | 'ignore' } = {}): CliRun {
  const withKubeconfig = args.some((a) => a.startsWith('--kubeconfig')) || args[0] === 'manifests' ? args : [...args, '--kubeconfig', cluster().kubeconfig];
  const child = spawn(process.execPath, [BIN, ...withKubeconfig], { stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const watchers: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const w of [...watchers]) {
      const match = stderr.match(w.pattern);
      if (match) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve(match);
      }
    }
  });
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return {
    child,
    done,
    waitForStderr: (pattern, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const match = stderr.match(pattern);
        if (match) return resolve(match);
        const timer = setTimeout(() => reject(new Error(`stderr never matched ${pattern}:\n${stderr}`)), timeoutMs);
        watchers.push({ pattern, resolve: (m) => (clearTimeout(timer), resolve(m)) });
        void done.then(() => setTimeout(() => reject(new Error(`the command ended before stderr matched ${pattern}:\n${stderr}`)), 0));
      }),
  };
}

export function runCli(args: string[]): Promise<CliResult> {
  return startCli(args).done;
}

/** The run ID the CLI announces in its "deploying agent" line. */
export const RUN_ID_LINE = /deploying agent: .*run=([a-z][a-z0-9]{7})/;
