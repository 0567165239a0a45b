/**
 * Watches the kubeconfig files (and their folders, for files that appear or are replaced by a
 * rename, as `aws eks update-kubeconfig` and kubectl do) and reports a change once things settle.
 */
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { kubeconfigFiles, type KubeconfigSource } from '../kube/kubeconfig.ts';

const SETTLE_MS = 300;

export function watchKubeconfig(source: KubeconfigSource, onChange: () => void): () => void {
  const files = kubeconfigFiles(source);
  const names = new Map(files.map((f) => [path.dirname(f), new Set<string>()]));
  for (const f of files) names.get(path.dirname(f))?.add(path.basename(f));
  let timer: NodeJS.Timeout | undefined;
  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, SETTLE_MS);
  };
  const watchers: FSWatcher[] = [];
  for (const [dir, basenames] of names) {
    try {
      watchers.push(watch(dir, { persistent: false }, (_event, name) => (name === null || basenames.has(String(name))) && changed()));
    } catch {
      // A folder that does not exist yet: nothing to watch; kubectl would not read it either.
    }
  }
  return () => {
    clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}
