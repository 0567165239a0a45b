/**
 * The CLI against the best possible on the same machine in the same run: `node -e 0` (the floor),
 * and the commands users run in scripts. Wall time and peak memory per command, median of several.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const BIN = path.resolve('bin/aicr-studio.js');
const TIME = '/usr/bin/time';

export interface CommandFigures {
  ms: number;
  rssMb: number | undefined;
  exitCode: number | null;
}

export const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** One run of `node <args>`: wall time, and peak RSS when GNU time is installed. */
function runOnce(args: string[]): CommandFigures {
  const started = process.hrtime.bigint();
  const measured = existsSync(TIME);
  const result = measured
    ? spawnSync(TIME, ['-f', '%M', process.execPath, ...args], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] })
    : spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const rssKb = measured ? Number(result.stderr.trim().split('\n').at(-1)) : Number.NaN;
  return { ms, rssMb: Number.isFinite(rssKb) ? rssKb / 1024 : undefined, exitCode: result.status };
}

/** Median figures of `runs` runs after one warm-up (the compile cache fills on the first). */
export function measureCommand(args: string[], runs: number): CommandFigures {
  runOnce(args);
  const samples = Array.from({ length: runs }, () => runOnce(args));
  const rss = samples.flatMap((s) => (s.rssMb === undefined ? [] : [s.rssMb]));
  return { ms: median(samples.map((s) => s.ms)), rssMb: rss.length ? Math.max(...rss) : undefined, exitCode: samples[0]?.exitCode ?? null };
}

export function cliFigures(kubeconfig: string, runs: number): Record<string, number | undefined> {
  const floor = measureCommand(['-e', '0'], runs);
  const manifests = measureCommand([BIN, 'manifests', '--run-id', 'k3x9q2ab'], runs);
  const unreachable = measureCommand([BIN, 'snapshot', '--kubeconfig', kubeconfig, '--context', 'aicr-unreachable', '-o', '/dev/null'], runs);
  const restricted = measureCommand([BIN, 'snapshot', '--kubeconfig', kubeconfig, '--context', 'aicr-restricted', '-n', 'aicr-restricted', '-o', '/dev/null'], runs);
  const run = measureCommand([BIN, 'snapshot', '--kubeconfig', kubeconfig, '--context', 'aicr-admin', '-n', 'bench-cli', '--node-selector', 'nodeGroup=customer-gpu', '-o', '/dev/null'], Math.min(runs, 3));
  for (const [name, figures, expected] of [
    ['unreachable', unreachable, 6],
    ['restricted', restricted, 4],
    ['run', run, 0],
  ] as const) {
    if (figures.exitCode !== expected) throw new Error(`the ${name} command exited ${figures.exitCode}, expected ${expected}: the benchmark would measure the wrong thing`);
  }
  return {
    'cli.nodeFloorMs': floor.ms,
    'cli.nodeFloorRssMb': floor.rssMb,
    'cli.manifestsMs': manifests.ms,
    'cli.manifestsRssMb': manifests.rssMb,
    'cli.unreachableMs': unreachable.ms,
    'cli.restrictedMs': restricted.ms,
    'cli.runMs': run.ms,
  };
}
