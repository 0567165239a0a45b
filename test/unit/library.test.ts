import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SnapshotLibrary } from '../../electron/service/library.ts';
import { rejection } from '../rejection.ts';

const snapshot = (node: string) => `kind: Snapshot\napiVersion: aicr.nvidia.com/v1alpha1\nmetadata:\n    source-node: ${node}\n    timestamp: "2026-11-28T06:00:00Z"\nmeasurements: []\n`;

describe('the snapshot library', () => {
  it('keeps every snapshot as <context>-<node>-<timestamp>.yaml, private, never overwriting one', async () => {
    const library = new SnapshotLibrary(path.join(mkdtempSync(path.join(tmpdir(), 'aicr-lib-')), 'snapshots'));
    const at = new Date('2026-11-28T06:31:16.123Z');
    const first = await library.save('aicr-admin', 'gpu-node-1', snapshot('gpu-node-1'), at);
    const second = await library.save('aicr-admin', 'gpu-node-1', snapshot('gpu-node-1'), at);
    expect([first.id, second.id]).toEqual(['aicr-admin-gpu-node-1-20261128T063116Z.yaml', 'aicr-admin-gpu-node-1-20261128T063116Z.1.yaml']);
    expect(statSync(path.join(library.dir, first.id)).mode & 0o777).toBe(0o600);
    expect(readdirSync(library.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const listed = await library.list();
    expect(listed.map((e) => [e.context, e.node])).toEqual([
      ['aicr-admin', 'gpu-node-1'],
      ['aicr-admin', 'gpu-node-1'],
    ]);
    expect(await library.read(first.id)).toEqual({ yaml: snapshot('gpu-node-1'), bytes: Buffer.byteLength(snapshot('gpu-node-1')), complete: true });
  });
  it('odd context names become safe file names; reading stays inside the library', async () => {
    const library = new SnapshotLibrary(mkdtempSync(path.join(tmpdir(), 'aicr-lib-')));
    const entry = await library.save('arn:aws:eks:us-east-1:123:cluster/prod', 'ip-10-0-0-1.ec2.internal', snapshot('ip-10-0-0-1.ec2.internal'));
    expect(entry.id).toMatch(/^arn_aws_eks_us-east-1_123_cluster_prod-ip-10-0-0-1\.ec2\.internal-\d{8}T\d{6}Z\.yaml$/);
    expect((await rejection(library.read('../escape.yaml'))).message).toContain('invalid snapshot id');
    expect((await rejection(library.read('missing.yaml'))).message).toContain('is not in the library');
  });
  it('reads a head of whole lines when asked, never cutting a character, and all of a file that fits', async () => {
    const library = new SnapshotLibrary(mkdtempSync(path.join(tmpdir(), 'aicr-lib-')));
    const text = `kind: Snapshot\nmetadata:\n    source-node: nœud-1\n${'    key: välue\n'.repeat(1000)}`;
    const { id } = await library.save('ctx', 'nœud-1', text);
    const head = await library.read(id, 40);
    expect(head).toEqual({ yaml: 'kind: Snapshot\nmetadata:\n', bytes: Buffer.byteLength(text), complete: false });
    const byteAfterCharacter = Buffer.byteLength('kind: Snapshot\nmetadata:\n    source-node: nœ');
    expect((await library.read(id, byteAfterCharacter - 1)).yaml).toBe('kind: Snapshot\nmetadata:\n');
    expect(await library.read(id, Buffer.byteLength(text))).toEqual({ yaml: text, bytes: Buffer.byteLength(text), complete: true });
  });
});
