/** The snapshot document the agent writes (kind Snapshot, apiVersion aicr.nvidia.com/v1alpha1). */
import { parse } from 'yaml';
import { ErrorCode, newError, wrapError } from './errors.ts';

export const SNAPSHOT_KIND = 'Snapshot';
export const SNAPSHOT_API_VERSION = 'aicr.nvidia.com/v1alpha1';

export type Reading = string | number | boolean | null;

export interface Subtype {
  subtype?: string;
  data: Record<string, Reading>;
  context?: Record<string, string>;
}

export interface Measurement {
  type: string;
  subtypes?: Subtype[];
}

export interface Snapshot {
  kind: typeof SNAPSHOT_KIND;
  apiVersion: typeof SNAPSHOT_API_VERSION;
  metadata: Record<string, string>;
  measurements: Measurement[];
}

/** Parses and checks the document's shape; a clear INVALID_REQUEST names what is wrong. */
export function parseSnapshot(text: string): Snapshot {
  let doc: unknown;
  try {
    // No duplicate-key check: the agent writes the document, and the check is quadratic in the keys of
    // a map (a topology for thousands of nodes took minutes to parse instead of a second or two).
    doc = parse(text, { uniqueKeys: false });
  } catch (err) {
    throw wrapError(ErrorCode.InvalidRequest, 'snapshot is not valid YAML', err);
  }
  const snapshot = doc as Partial<Snapshot> | null;
  if (!snapshot || typeof snapshot !== 'object') throw newError(ErrorCode.InvalidRequest, 'snapshot is empty');
  if (snapshot.kind !== SNAPSHOT_KIND) throw newError(ErrorCode.InvalidRequest, `snapshot kind is "${String(snapshot.kind)}", expected ${SNAPSHOT_KIND}`);
  if (snapshot.apiVersion !== SNAPSHOT_API_VERSION) {
    throw newError(ErrorCode.InvalidRequest, `snapshot apiVersion is "${String(snapshot.apiVersion)}", expected ${SNAPSHOT_API_VERSION}`);
  }
  if (!Array.isArray(snapshot.measurements)) throw newError(ErrorCode.InvalidRequest, 'snapshot has no measurements list');
  for (const [i, m] of snapshot.measurements.entries()) {
    if (typeof m?.type !== 'string') throw newError(ErrorCode.InvalidRequest, `measurements[${i}] has no type`);
  }
  return { ...snapshot, metadata: snapshot.metadata ?? {} } as Snapshot;
}

export function measurement(snapshot: Snapshot, type: string): Measurement | undefined {
  return snapshot.measurements.find((m) => m.type === type);
}

export function subtypeData(snapshot: Snapshot, type: string, subtype: string): Record<string, Reading> | undefined {
  return measurement(snapshot, type)?.subtypes?.find((s) => s.subtype === subtype)?.data;
}

/** YAML text as the snapshot came, or the same document as indented JSON. */
export function formatSnapshot(text: string, format: 'yaml' | 'json'): string {
  if (format === 'yaml') return text;
  return `${JSON.stringify(parseSnapshot(text), null, 2)}\n`;
}

/** True when the GPU measurement reports at least one GPU (a count above zero or a model). */
export function hasGpuData(snapshot: Snapshot): boolean {
  return (measurement(snapshot, 'GPU')?.subtypes ?? []).some((s) => Number(s.data?.['gpu-count'] ?? 0) > 0 || typeof s.data?.['gpu.model'] === 'string');
}
