/**
 * Writing the snapshot to -o PATH without harming what is there. Checked before anything is
 * deployed (a wrong path fails in a second, not after a privileged run). A regular file is replaced
 * atomically through an exclusive temporary file in the same directory, keeping its mode (and, for
 * root, its owner); a symlink is followed to its target; a device or FIFO (/dev/null, /dev/stdout, a
 * pipe) is written in place, never replaced. Nothing partial is left behind on failure.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, lstat, open, readlink, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, newError } from '../../shared/errors.ts';

export type FileTarget =
  /** A regular file that exists: replaced atomically, keeping mode and owner. */
  | { kind: 'replace'; path: string; mode: number; uid: number; gid: number }
  /** A new file in an existing, writable directory. */
  | { kind: 'create'; path: string }
  /** A character device or FIFO: written in place. */
  | { kind: 'in-place'; path: string };

const MAX_SYMLINK_HOPS = 40;

const invalid = (given: string, problem: string) => newError(ErrorCode.InvalidRequest, `invalid --output "${given}": ${problem}`);

function errno(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? 'error';
}

/** The path a chain of symlinks ends at (which may not exist yet). */
async function followSymlinks(given: string): Promise<string> {
  let current = path.resolve(given);
  for (let hops = 0; hops < MAX_SYMLINK_HOPS; hops++) {
    let info;
    try {
      info = await lstat(current);
    } catch (err) {
      if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') return current;
      throw invalid(given, `cannot inspect ${current} (${errno(err)})`);
    }
    if (!info.isSymbolicLink()) return current;
    current = path.resolve(path.dirname(current), await readlink(current));
  }
  throw invalid(given, 'too many levels of symbolic links');
}

async function assertWritableDirectory(given: string, dir: string): Promise<void> {
  let info;
  try {
    info = await stat(dir);
  } catch {
    throw invalid(given, `directory ${dir} does not exist; create it or choose another path`);
  }
  if (!info.isDirectory()) throw invalid(given, `${dir} is not a directory`);
  try {
    await access(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw invalid(given, `directory ${dir} is not writable; choose another path`);
  }
}

/** Where and how the snapshot will be written; INVALID_REQUEST naming --output when it cannot be. */
export async function checkFileTarget(given: string): Promise<FileTarget> {
  const target = await followSymlinks(given);
  let info;
  try {
    info = await stat(target);
  } catch (err) {
    if (errno(err) !== 'ENOENT' && errno(err) !== 'ENOTDIR') throw invalid(given, `cannot inspect ${target} (${errno(err)})`);
    await assertWritableDirectory(given, path.dirname(target));
    return { kind: 'create', path: target };
  }
  if (info.isDirectory()) throw invalid(given, 'is a directory; give a file name such as snapshot.yaml');
  if (info.isCharacterDevice() || info.isFIFO()) {
    try {
      await access(target, constants.W_OK);
    } catch {
      throw invalid(given, `${target} is not writable`);
    }
    return { kind: 'in-place', path: target };
  }
  if (!info.isFile()) throw invalid(given, `${target} is neither a regular file, a character device nor a FIFO`);
  try {
    await access(target, constants.W_OK);
  } catch {
    throw invalid(given, `${target} is not writable`);
  }
  await assertWritableDirectory(given, path.dirname(target));
  return { kind: 'replace', path: target, mode: info.mode & 0o7777, uid: info.uid, gid: info.gid };
}

function writeFailure(target: string, err: unknown): Error {
  return newError(ErrorCode.Internal, `cannot write the snapshot to ${target} (${errno(err)}${(err as Error).message ? `: ${(err as Error).message}` : ''})`);
}

async function writeInPlace(target: string, content: string): Promise<void> {
  // No O_CREAT, no O_TRUNC: a device or FIFO is opened as it is, never recreated.
  const handle = await open(target, constants.O_WRONLY);
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
}

async function writeAtomically(target: FileTarget & { kind: 'replace' | 'create' }, content: string): Promise<void> {
  const temp = path.join(path.dirname(target.path), `.${path.basename(target.path)}.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx': O_CREAT|O_EXCL never follows or reuses anything already at that name.
  const handle = await open(temp, 'wx', target.kind === 'replace' ? target.mode : 0o666);
  try {
    try {
      await handle.writeFile(content);
      if (target.kind === 'replace') {
        await handle.chmod(target.mode); // the umask applied at creation
        if (process.getuid?.() === 0) await handle.chown(target.uid, target.gid);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target.path);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw err;
  }
}

export async function writeSnapshotFile(target: FileTarget, content: string): Promise<void> {
  try {
    if (target.kind === 'in-place') await writeInPlace(target.path, content);
    else await writeAtomically(target, content);
  } catch (err) {
    throw writeFailure(target.path, err);
  }
}

