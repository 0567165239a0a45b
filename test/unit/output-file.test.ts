import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rejection } from '../rejection.ts';
import { checkFileTarget, writeSnapshotFile } from '../../electron/cli/output-file.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'aicr-output-'));

describe('-o PATH never harms what is there', () => {
  it('a new file in an existing directory', async () => {
    const target = await checkFileTarget(path.join(dir, 'new.yaml'));
    expect(target).toEqual({ kind: 'create', path: path.join(dir, 'new.yaml') });
    await writeSnapshotFile(target, 'kind: Snapshot\n');
    expect(readFileSync(path.join(dir, 'new.yaml'), 'utf8')).toBe('kind: Snapshot\n');
  });
  it('an existing 0600 file is replaced atomically and keeps its mode', async () => {
    const file = path.join(dir, 'private.yaml');
    writeFileSync(file, 'old');
    chmodSync(file, 0o600);
    await writeSnapshotFile(await checkFileTarget(file), 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
  it('a symlink is followed: the link stays, its target gets the snapshot', async () => {
    const real = path.join(dir, 'real.yaml');
    const link = path.join(dir, 'link.yaml');
    writeFileSync(real, 'old');
    symlinkSync('real.yaml', link);
    const target = await checkFileTarget(link);
    expect(target.path).toBe(real);
    await writeSnapshotFile(target, 'new');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe('new');
  });
  it('/dev/null stays the device', async () => {
    const target = await checkFileTarget('/dev/null');
    expect(target.kind).toBe('in-place');
    await writeSnapshotFile(target, 'discarded');
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });
  it('a FIFO is written in place and stays a FIFO', async () => {
    const fifo = path.join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo]);
    let read = '';
    reader.stdout.on('data', (d: Buffer) => (read += d.toString()));
    const closed = new Promise((r) => reader.on('close', r));
    await writeSnapshotFile(await checkFileTarget(fifo), 'through the pipe');
    await closed;
    expect(read).toBe('through the pipe');
    expect(statSync(fifo).isFIFO()).toBe(true);
  });
  it('a full disk fails clearly and leaves nothing partial', async () => {
    const error = await rejection(writeSnapshotFile(await checkFileTarget('/dev/full'), 'x'.repeat(100_000)));
    expect(error.message).toContain('cannot write the snapshot to /dev/full (ENOSPC');
  });
  it('a failed replacement leaves the original and no temporary file', async () => {
    const sub = path.join(dir, 'vanishing');
    mkdirSync(sub);
    const file = path.join(sub, 'snap.yaml');
    writeFileSync(file, 'original');
    const target = await checkFileTarget(file);
    // The target turned into a directory after the check: rename must fail, and nothing may be lost.
    execFileSync('rm', [file]);
    mkdirSync(file);
    writeFileSync(path.join(file, 'keep'), 'k');
    const error = await rejection(writeSnapshotFile(target, 'new'));
    expect(error.message).toContain(`cannot write the snapshot to ${file}`);
    expect(readdirSync(sub)).toEqual(['snap.yaml']);
    expect(readFileSync(path.join(file, 'keep'), 'utf8')).toBe('k');
  });
  it.each([
    ['/no/such/dir/out.yaml', 'invalid --output "/no/such/dir/out.yaml": directory /no/such/dir does not exist; create it or choose another path'],
    ['/tmp', 'invalid --output "/tmp": is a directory; give a file name such as snapshot.yaml'],
    ['/dev/null/x', 'invalid --output "/dev/null/x": /dev/null is not a directory'],
  ])('%s is refused before anything runs', async (given, message) => {
    expect((await rejection(checkFileTarget(given))).message).toBe(`[INVALID_REQUEST] ${message}`);
  });
});
