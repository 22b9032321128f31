import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where one item's rows sit in a pack file, and what comes with them. */
export interface PackEntry {
  /** The pack file (in the store's `packs/` folder). */
  pack: string;
  /** Byte offset of the item's rows (float32, or uint8 in a pixel store's `.u8` packs). */
  offset: number;
  frames: number;
  /** Per frame '1' valid / '0' not; absent when every frame is valid. */
  mask?: string;
  meta: Record<string, unknown>;
}

/** How a store's values sit in its packs: float32 features (`.f32`), or uint8 pixels (`.u8`). */
export type PackDtype = 'float32' | 'uint8';

const PACK_FORMAT: Record<PackDtype, { ext: string; bytes: number }> = { float32: { ext: '.f32', bytes: 4 }, uint8: { ext: '.u8', bytes: 1 } };

/** Bytes per stored value of a dtype. */
/**
 * Rows an entry holds in its pack: every frame of a float32 store; a pixel (uint8) store keeps only
 * its valid frames (mask '1'): a masked frame is zeros by definition and takes no bytes.
 */
export function storedRows(e: Pick<PackEntry, 'frames' | 'mask'>, dtype: PackDtype = 'float32'): number {
  if (dtype === 'float32' || !e.mask) return e.frames;
  let n = 0;
  for (const c of e.mask) if (c === '1') n++;
  return n;
}

/** Items written by one writer are synced together: after this many, or this long after the group's first. */
export const PACK_GROUP = { items: 64, seconds: 2 };

/**
 * One process's append-only writer into a store's `packs/` folder: rows go to `<writer>.f32`, and each
 * group's entries to `<writer>.idx.jsonl` once the rows are synced (one fsync of each per group, not
 * per item). A kill at any point leaves whole, indexed items and, at most, unindexed bytes after them:
 * an item counts only once its index line is written, so a resumed run redoes at most one group.
 */
export class PackWriter {
  private readonly name: string;
  private readonly packFd: number;
  private readonly indexFd: number;
  private offset = 0;
  private pending: [string, PackEntry][] = [];
  private groupStarted = 0;
  /** Entries written by this writer (synced or pending), visible to every store of this folder in this process. */
  readonly entries = new Map<string, PackEntry>();

  private readonly ext: string;

  constructor(readonly dir: string, private readonly dim: number, readonly dtype: PackDtype = 'float32') {
    fs.mkdirSync(dir, { recursive: true });
    this.name = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    this.ext = PACK_FORMAT[dtype].ext;
    this.packFd = fs.openSync(path.join(dir, `${this.name}${this.ext}`), 'a');
    this.indexFd = fs.openSync(path.join(dir, `${this.name}.idx.jsonl`), 'a');
  }

  /** Appends an item's rows (a pixel pack: its valid rows only, see `storedRows`), flushing the group when it is full or old. */
  append(id: string, data: Float32Array | Uint8Array, mask: string | undefined, meta: Record<string, unknown>, frames = data.length / this.dim): void {
    if ((data instanceof Uint8Array) !== (this.dtype === 'uint8')) throw new Error(`${this.dir}: item '${id}': a ${this.dtype} pack takes ${this.dtype === 'uint8' ? 'Uint8Array' : 'Float32Array'} rows`);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    fs.writeSync(this.packFd, bytes);
    const entry: PackEntry = { pack: `${this.name}${this.ext}`, offset: this.offset, frames, ...(mask ? { mask } : {}), meta };
    this.offset += bytes.length;
    if (this.pending.length === 0) this.groupStarted = Date.now();
    this.pending.push([id, entry]);
    this.entries.set(id, entry);
    if (this.pending.length >= PACK_GROUP.items || Date.now() - this.groupStarted >= PACK_GROUP.seconds * 1000) this.flush();
  }

  /** Syncs the rows, then appends and syncs the group's index lines. */
  flush(): void {
    if (this.pending.length === 0) return;
    fs.fsyncSync(this.packFd);
    fs.writeSync(this.indexFd, this.pending.map(([id, e]) => `${JSON.stringify({ id, ...e, pack: undefined })}\n`).join(''));
    fs.fsyncSync(this.indexFd);
    this.pending = [];
  }

  close(): void {
    this.flush();
    fs.closeSync(this.packFd);
    fs.closeSync(this.indexFd);
  }
}

/**
 * The indexed items of every writer's pack in `dir` (later lines win): a torn last line, or an entry
 * whose rows run past its pack's end, is ignored (a kill mid-group).
 */
export function readPackIndexes(dir: string, dim: number, dtype: PackDtype = 'float32'): Map<string, PackEntry> {
  const out = new Map<string, PackEntry>();
  if (!fs.existsSync(dir)) return out;
  const { ext, bytes } = PACK_FORMAT[dtype];
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.idx.jsonl')).sort()) {
    const pack = f.replace(/\.idx\.jsonl$/, ext);
    const size = fs.existsSync(path.join(dir, pack)) ? fs.statSync(path.join(dir, pack)).size : 0;
    for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      if (line === '') continue;
      let e: Omit<PackEntry, 'pack'> & { id: string };
      try {
        e = JSON.parse(line) as typeof e;
      } catch {
        continue;
      }
      if (e.offset + storedRows(e, dtype) * dim * bytes > size) continue;
      const { id, ...rest } = e;
      out.set(id, { ...rest, pack });
    }
  }
  return out;
}

/** One writer per folder per process (every store of the folder in this process shares it), flushed when the process exits. */
const writers = new Map<string, PackWriter>();
let exitHook = false;

export function packWriter(dir: string, dim: number, dtype: PackDtype = 'float32'): PackWriter {
  let w = writers.get(dir);
  if (!w) {
    w = new PackWriter(dir, dim, dtype);
    writers.set(dir, w);
    if (!exitHook) {
      exitHook = true;
      process.once('exit', () => flushPackWriters());
    }
  }
  return w;
}

/** The writer of `dir` in this process, if one is open. */
export function openPackWriter(dir: string): PackWriter | undefined {
  return writers.get(dir);
}

/** Syncs every open writer's pending group (extraction calls it when done; also on process exit). */
export function flushPackWriters(): void {
  for (const w of writers.values()) w.flush();
}

/** Closes the writers of folders under `root` (before the folder is removed or replaced). */
export function closePackWriters(root = ''): void {
  for (const [dir, w] of writers) {
    if (dir.startsWith(root)) {
      w.close();
      writers.delete(dir);
    }
  }
}
