/** The facts of a snapshot a cluster admin looks for first. */
import { parseSnapshot, subtypeData, type Snapshot } from '../../shared/snapshot.ts';

export interface SummaryItem {
  label: string;
  value: string;
}

/** What the viewer shows above the YAML: the summary, or why the text is not a snapshot. */
export type SummaryResult = { items: SummaryItem[] } | { problem: string };

export function summarize(snapshot: Snapshot): SummaryItem[] {
  const gpu = (key: string) => {
    for (const s of snapshot.measurements.find((m) => m.type === 'GPU')?.subtypes ?? []) if (s.data[key] !== undefined) return String(s.data[key]);
    return '—';
  };
  const os = subtypeData(snapshot, 'OS', 'release');
  return [
    { label: 'Source node', value: snapshot.metadata['source-node'] || '—' },
    { label: 'Timestamp', value: snapshot.metadata.timestamp ?? '—' },
    { label: 'Agent version', value: snapshot.metadata.version ?? '—' },
    { label: 'GPU', value: gpu('gpu.model') },
    { label: 'GPU count', value: gpu('gpu-count') },
    { label: 'Driver', value: gpu('driver') },
    { label: 'CUDA', value: gpu('cuda-version') },
    { label: 'Kubernetes', value: String(subtypeData(snapshot, 'K8s', 'server')?.version ?? '—') },
    { label: 'OS', value: String(os?.PRETTY_NAME ?? os?.ID ?? '—') },
  ];
}

export function summarizeYaml(yaml: string): SummaryResult {
  try {
    return { items: summarize(parseSnapshot(yaml)) };
  } catch (err) {
    return { problem: (err as Error).message };
  }
}
