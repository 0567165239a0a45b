/** `aicr-studio manifests`: the objects `snapshot` would create, as YAML (or a JSON List), without a cluster. */
import { stringify } from 'yaml';
import { buildAllManifests } from '../agent/manifests/index.ts';
import type { SnapshotOptions } from './snapshot-options.ts';
import type { Terminal } from './terminal.ts';

export function renderManifests(options: Pick<SnapshotOptions, 'config' | 'format'>): string {
  const objects = buildAllManifests(options.config);
  if (options.format === 'json') return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2)}\n`;
  return objects.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join('');
}

export function manifestsCommand(options: SnapshotOptions, term: Terminal): Promise<void> {
  return term.stdout(renderManifests(options));
}
