/**
 * The local snapshot library: every captured snapshot is kept as `<context>-<node>-<timestamp>.yaml`
 * in one folder, written atomically (a complete temporary file linked into place), listed newest first.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { SnapshotEntry, SnapshotText } from '../../shared/contract.ts';
import { ErrorCode, newError } from '../../shared/errors.ts';

const STAMPED = /^(.+)-(\d{8}T\d{6}Z)(?:\.\d+)?\.yaml$/;
const HEAD_BYTES = 4096;

/** A file-name-safe form of a context or node name (hyphens kept: node and context names have them). */
function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._-]+/, '').slice(0, 100) || 'unnamed';
}

/** The snapshot's source node, from the top of the file (where its metadata is), without reading it all. */
async function sourceNode(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(HEAD_BYTES), 0, HEAD_BYTES, 0);
    return /source-node:\s*"?([^\s"]+)/.exec(buffer.toString('utf8', 0, bytesRead))?.[1] ?? '';
  } finally {
    await handle.close();
  }
}

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export class SnapshotLibrary {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Saves the snapshot and returns its entry; never overwrites another snapshot. */
  async save(context: string, node: string, yaml: string, at = new Date()): Promise<SnapshotEntry> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const base = `${slug(context)}-${slug(node)}-${stamp(at)}`;
    for (let n = 0; n < 100; n++) {
      const id = `${base}${n === 0 ? '' : `.${n}`}.yaml`;
      const target = path.join(this.dir, id);
      const temp = path.join(this.dir, `.${id}.${randomBytes(6).toString('hex')}.tmp`);
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(yaml);
        await handle.sync();
      } finally {
        await handle.close();
      }
      // link() fails on an existing name, so a snapshot already there is never replaced.
      try {
        await link(temp, target);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw err;
      } finally {
        await unlink(temp);
      }
      return { id, context, node, timestamp: at.toISOString(), bytes: Buffer.byteLength(yaml) };
    }
    throw newError(ErrorCode.Internal, `too many snapshots named ${base}`);
  }

  async list(): Promise<SnapshotEntry[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const entries = await Promise.all(
      names
        .filter((n) => n.endsWith('.yaml') && !n.startsWith('.'))
        .map(async (id) => {
          const file = path.join(this.dir, id);
          const [info, node] = await Promise.all([stat(file), sourceNode(file)]);
          // <context>-<node>-<timestamp>.yaml: the context is what remains before the node.
          const prefix = STAMPED.exec(id)?.[1] ?? '';
          const context = node && prefix.endsWith(`-${slug(node)}`) ? prefix.slice(0, -slug(node).length - 1) : prefix;
          return { id, context, node, timestamp: info.mtime.toISOString(), bytes: info.size };
        }),
    );
    return entries.sort((a, b) => b.timestamp.localeCompare(a.timestamp));
  }

  /**
   * A snapshot's text. With `headBytes`, only its first lines up to about that many bytes (cut after a
   * newline, so never inside a character), enough to show a screenful while the rest is read.
   */
  async read(id: string, headBytes?: number): Promise<Omit<SnapshotText, 'id'>> {
    // The contract only lets plain file names through; this keeps it so for any caller.
    if (path.basename(id) !== id || id.startsWith('.')) throw newError(ErrorCode.InvalidRequest, `invalid snapshot id "${id}"`);
    let handle;
    try {
      handle = await open(path.join(this.dir, id), 'r');
    } catch {
      throw newError(ErrorCode.NotFound, `snapshot ${id} is not in the library`);
    }
    try {
      const { size } = await handle.stat();
      if (headBytes === undefined || size <= headBytes) return { yaml: await handle.readFile('utf8'), bytes: size, complete: true };
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(headBytes), 0, headBytes, 0);
      const end = buffer.lastIndexOf(0x0a, bytesRead - 1) + 1;
      return { yaml: buffer.toString('utf8', 0, end), bytes: size, complete: false };
    } finally {
      await handle.close();
    }
  }
}
