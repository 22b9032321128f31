import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '@mer/media';
import { closePackWriters, openPackWriter, PackDtype, PackEntry, packWriter, readPackIndexes, storedRows } from './feature-pack';

/**
 * What a stream's values are: per-dimension features (default), or image pixels 0–255 (e.g. face
 * crops), stored as uint8 and never standardised per dimension — the network scales them itself.
 */
export type StreamValues = 'features' | 'pixels';

/** What a feature folder was written with; a run with a different config must not mix with it. */
export interface FeatureManifest {
  version: 1;
  modality: string;
  extractor: string;
  config: Record<string, unknown>;
  configHash: string;
  /** Feature width D. */
  dim: number;
  /** Frames per second of the sequences (video fps, or the clip sampling rate). */
  fps?: number;
  /** The paper encoder the extractor stands in for (an offline default), as the extractor said. */
  standsInFor?: string;
  /** Pixel streams only (absent for features): each row is an image of this `shape` ([H, W, 3]), stored as uint8. */
  values?: 'pixels';
  dtype?: 'uint8';
  shape?: number[];
  createdAt: string;
}

export interface FeatureStoreOptions {
  /** e.g. 'visual', 'audio-vggish', 'text'. */
  modality: string;
  extractor: string;
  config: Record<string, unknown>;
  dim: number;
  fps?: number;
  standsInFor?: string;
  /** 'pixels': rows are images (integers 0–255) stored as uint8; default 'features' (float32). */
  values?: StreamValues;
  /** Pixel streams: one row's image shape, e.g. [224, 224, 3] (its product is `dim`). */
  shape?: number[];
  /** A folder written with another extractor/config: 'error' (default) or 'overwrite' (deletes it). */
  onMismatch?: 'error' | 'overwrite';
}

/** A stored `[T, D]` sequence with its per-frame validity (e.g. 0 where no face was found). */
export interface StoredSequence {
  data: Float32Array;
  frames: number;
  dim: number;
  /** [T], 1 = valid. */
  mask: Uint8Array;
  meta: Record<string, unknown>;
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** A short, order-independent hash of an extractor config. */
export function configHash(config: Record<string, unknown>): string {
  return createHash('sha256').update(stableJson(config)).digest('hex').slice(0, 16);
}

/** The file name (without extension) an item id is stored under: unsafe characters as %xx. */
export function storeItemName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * Per-item, per-modality float32 sequences (uint8 for pixel streams: `values: 'pixels'`) on disk with a manifest, crash-safe so extraction can stop
 * anywhere and resume: items are appended to this process's pack and synced a group at a time (one
 * fsync of the rows and one of the index per 64 items or 2 s, see `PackWriter`); an item counts as
 * done only once its index line is written. Opening a folder written with another extractor or config
 * hash is an error rather than a silent mix of old and new features.
 *
 * Layout: `<root>/<modality>/manifest.json`, `<root>/<modality>/packs/<writer>.f32` (pixels: `.u8`) + `.idx.jsonl`;
 * folders written before packs (`items/<id>.f32` + `.json`, one atomic file each) are read as well.
 */
export class FeatureStore {
  readonly dir: string;
  readonly manifest: FeatureManifest;

  private constructor(dir: string, manifest: FeatureManifest) {
    this.dir = dir;
    this.manifest = manifest;
  }

  /** Opens (or creates) the store of one modality for writing with a given extractor config. */
  static open(root: string, options: FeatureStoreOptions): FeatureStore {
    const dir = path.join(root, options.modality);
    const manifestFile = path.join(dir, 'manifest.json');
    const manifest: FeatureManifest = {
      version: 1,
      modality: options.modality,
      extractor: options.extractor,
      config: options.config,
      configHash: configHash(options.config),
      dim: options.dim,
      fps: options.fps,
      ...(options.standsInFor ? { standsInFor: options.standsInFor } : {}),
      ...(options.values === 'pixels' ? { values: 'pixels' as const, dtype: 'uint8' as const, shape: options.shape ?? [options.dim] } : {}),
      createdAt: new Date().toISOString(),
    };
    if (options.values === 'pixels' && options.shape && options.shape.reduce((a, b) => a * b, 1) !== options.dim) {
      throw new Error(`${dir}: pixel shape [${options.shape.join(', ')}] does not hold ${options.dim} values a row`);
    }
    if (fs.existsSync(manifestFile)) {
      const old = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as FeatureManifest;
      const same = old.extractor === manifest.extractor && old.configHash === manifest.configHash && old.dim === manifest.dim && old.values === manifest.values;
      if (same) return new FeatureStore(dir, old);
      if (options.onMismatch !== 'overwrite') {
        throw new Error(
          `${dir}: features were written by ${old.extractor} (config ${old.configHash}, dim ${old.dim}); this run uses ` +
            `${manifest.extractor} (config ${manifest.configHash}, dim ${manifest.dim}). Use another output folder, or replace them (mer extract --overwrite).`,
        );
      }
      closePackWriters(dir);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    fs.mkdirSync(dir, { recursive: true });
    writeFileAtomic(manifestFile, JSON.stringify(manifest, null, 2));
    return new FeatureStore(dir, manifest);
  }

  /** Whether `root` holds a store of this modality (its manifest). */
  static exists(root: string, modality: string): boolean {
    return fs.existsSync(path.join(root, modality, 'manifest.json'));
  }

  /** Opens an existing store read-only (e.g. for training). */
  static read(root: string, modality: string): FeatureStore {
    const dir = path.join(root, modality);
    const manifestFile = path.join(dir, 'manifest.json');
    if (!fs.existsSync(manifestFile)) throw new Error(`${dir}: no feature manifest (was '${modality}' extracted into ${root}?)`);
    return new FeatureStore(dir, JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as FeatureManifest);
  }

  private packIndex: Map<string, PackEntry> | null = null;

  /** How the packs hold the values: uint8 for pixel streams, float32 otherwise. */
  private get dtype(): PackDtype {
    return this.manifest.values === 'pixels' ? 'uint8' : 'float32';
  }

  private file(id: string, ext: string): string {
    return path.join(this.dir, 'items', `${storeItemName(id)}${ext}`);
  }

  private get packsDir(): string {
    return path.join(this.dir, 'packs');
  }

  /** Where item `id` is packed: this process's writes first, then the synced indexes (read again once on a miss when `fresh`). */
  private entry(id: string, fresh = false): PackEntry | undefined {
    const own = openPackWriter(this.packsDir)?.entries.get(id);
    if (own) return own;
    if (!this.packIndex || (fresh && !this.packIndex.has(id))) this.packIndex = readPackIndexes(this.packsDir, this.manifest.dim, this.dtype);
    return this.packIndex.get(id);
  }

  /** True once an item was completely written. */
  has(id: string): boolean {
    return this.entry(id) !== undefined || fs.existsSync(this.file(id, '.json'));
  }

  /** Syncs this process's pending writes to every store (extraction calls it when it ends; it also happens on exit). */
  flush(): void {
    openPackWriter(this.packsDir)?.flush();
  }

  /**
   * Stores item `id`'s sequence. NaN or infinite features are refused, naming the item and frame; in a
   * pixel store, so is any value that is not an integer 0–255.
   * @param data [T, D] row-major
   * @param mask [T] validity (default all valid)
   */
  write(id: string, data: Float32Array, options: { mask?: ArrayLike<number>; meta?: Record<string, unknown> } = {}): void {
    const dim = this.manifest.dim;
    if (data.length % dim !== 0) throw new Error(`${id}: ${data.length} values is not a whole number of ${dim}-d frames`);
    const frames = data.length / dim;
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) throw new Error(`${id}: ${this.manifest.modality} feature ${data[i]} at frame ${Math.floor(i / dim)}, dim ${i % dim}`);
    }
    if (options.mask !== undefined && options.mask.length !== frames) {
      throw new Error(`${id}: mask has ${options.mask.length} entries for ${frames} frames`);
    }
    const mask = options.mask === undefined || Array.from(options.mask).every((m) => m) ? undefined : Array.from(options.mask, (m) => (m ? '1' : '0')).join('');
    if (this.dtype === 'float32') packWriter(this.packsDir, dim, 'float32').append(id, data, mask, options.meta ?? {});
    else packWriter(this.packsDir, dim, 'uint8').append(id, this.toPixels(id, data, options.mask), mask, options.meta ?? {}, frames);
  }

  /** A pixel item's valid rows as bytes (masked rows are zeros by definition and are not stored). */
  private toPixels(id: string, data: Float32Array, mask: ArrayLike<number> | undefined): Uint8Array {
    const dim = this.manifest.dim;
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v < 0 || v > 255 || v !== Math.round(v)) throw new Error(`${id}: ${this.manifest.modality} pixel ${v} at frame ${Math.floor(i / dim)}, value ${i % dim}: a pixel stream holds integers 0–255`);
    }
    const frames = data.length / dim;
    const kept = Array.from({ length: frames }, (_, t) => t).filter((t) => mask === undefined || mask[t]);
    const out = new Uint8Array(kept.length * dim);
    kept.forEach((t, k) => out.set(data.subarray(t * dim, (t + 1) * dim), k * dim));
    return out;
  }

  read(id: string): StoredSequence {
    const packed = this.entry(id, true);
    if (packed) return this.readPacked(id, packed);
    const metaFile = this.file(id, '.json');
    if (!fs.existsSync(metaFile)) throw new Error(`${this.dir}: no features for item '${id}'`);
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { frames: number; dim: number; mask?: number[]; meta: Record<string, unknown> };
    const bytes = fs.readFileSync(this.file(id, '.f32'));
    if (bytes.length !== meta.frames * meta.dim * 4) {
      throw new Error(`${this.file(id, '.f32')}: ${bytes.length} bytes, expected ${meta.frames}×${meta.dim} float32`);
    }
    const data = new Float32Array(meta.frames * meta.dim);
    new Uint8Array(data.buffer).set(bytes);
    this.checkFinite(id, data, this.file(id, '.f32'));
    const mask = meta.mask ? Uint8Array.from(meta.mask) : new Uint8Array(meta.frames).fill(1);
    return { data, frames: meta.frames, dim: meta.dim, mask, meta: meta.meta };
  }

  private readPacked(id: string, e: PackEntry): StoredSequence {
    const dim = this.manifest.dim;
    const file = path.join(this.packsDir, e.pack);
    const pixels = this.dtype === 'uint8';
    const rows = storedRows(e, this.dtype);
    const raw = pixels ? new Uint8Array(rows * dim) : new Float32Array(rows * dim);
    const fd = fs.openSync(file, 'r');
    try {
      const n = fs.readSync(fd, new Uint8Array(raw.buffer), 0, raw.byteLength, e.offset);
      if (n !== raw.byteLength) throw new Error(`${file}: item '${id}' needs ${raw.byteLength} bytes at ${e.offset}, found ${n}`);
    } finally {
      fs.closeSync(fd);
    }
    const mask = e.mask ? Uint8Array.from(e.mask, (c) => (c === '1' ? 1 : 0)) : new Uint8Array(e.frames).fill(1);
    if (!pixels) {
      this.checkFinite(id, raw as Float32Array, file);
      return { data: raw as Float32Array, frames: e.frames, dim, mask, meta: e.meta };
    }
    // Pixels come back as float32 0–255 (the values every reader of a store takes), masked rows zeros.
    const data = new Float32Array(e.frames * dim);
    let k = 0;
    for (let t = 0; t < e.frames; t++) if (mask[t]) data.set(raw.subarray(k * dim, ++k * dim), t * dim);
    return { data, frames: e.frames, dim, mask, meta: e.meta };
  }

  private checkFinite(id: string, data: Float32Array, file: string): void {
    const dim = this.manifest.dim;
    const bad = data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new Error(`${file}: value ${data[bad]} at frame ${Math.floor(bad / dim)}, dimension ${bad % dim} (item '${id}'): features must be finite — re-extract this item`);
    }
  }

  /** Ids of every completely written item. */
  items(): string[] {
    const dir = path.join(this.dir, 'items');
    const ids = new Set(
      fs.existsSync(dir)
        ? fs
            .readdirSync(dir)
            .filter((f) => f.endsWith('.json'))
            .map((f) => (JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { id: string }).id)
        : [],
    );
    this.packIndex = readPackIndexes(this.packsDir, this.manifest.dim, this.dtype);
    for (const id of this.packIndex.keys()) ids.add(id);
    for (const id of openPackWriter(this.packsDir)?.entries.keys() ?? []) ids.add(id);
    return [...ids].sort();
  }
}
