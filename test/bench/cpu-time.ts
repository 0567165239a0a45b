/**
 * Where a benchmark's CPU time goes, from /proc: the whole machine's busy time (all cores) and the
 * CPU time of process trees. A flood runs the cluster, main and the browser on the same cores; whether
 * it is bound by one thread or by the machine shows only in these.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
export const MACHINE_CORES = availableParallelism();

/** Busy seconds of all cores so far: /proc/stat's total without idle and I/O wait. */
function machineBusySeconds(): number {
  const [user, nice, system, , , irq, softirq, steal] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number) as number[];
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / TICKS_PER_SECOND;
}

/** CPU seconds used so far by each root's process and every live process below it. */
function treeSeconds(roots: number[]): number[] {
  const parentOf = new Map<number, number>();
  const seconds = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // After the command's closing parenthesis: state, ppid, ... utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    parentOf.set(Number(entry), Number(fields[1]));
    seconds.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND);
  }
  const rootOf = (pid: number): number | undefined => {
    for (let at: number | undefined = pid; at !== undefined && at > 1; at = parentOf.get(at)) if (roots.includes(at)) return at;
    return undefined;
  };
  const totals = roots.map(() => 0);
  for (const [pid, used] of seconds) {
    const root = rootOf(pid);
    if (root !== undefined) totals[roots.indexOf(root)] = (totals[roots.indexOf(root)] ?? 0) + used;
  }
  return totals;
}

export interface CpuUse {
  wallSeconds: number;
  /** Busy seconds of all cores together. */
  machineSeconds: number;
  /** CPU seconds of each process tree asked for, in order. */
  treeSeconds: number[];
}

/** Starts counting; the returned function gives the CPU used since. */
export function countCpu(roots: number[] = []): () => CpuUse {
  const started = { at: performance.now(), machine: machineBusySeconds(), trees: treeSeconds(roots) };
  return () => {
    const trees = treeSeconds(roots);
    return {
      wallSeconds: (performance.now() - started.at) / 1000,
      machineSeconds: machineBusySeconds() - started.machine,
      treeSeconds: trees.map((seconds, i) => seconds - (started.trees[i] ?? 0)),
    };
  };
}
