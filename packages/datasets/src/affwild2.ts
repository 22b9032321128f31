import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '@mer/media';

/** Aff-Wild2's marker for frames without a valence-arousal label. */
export const AFFWILD2_UNLABELLED = -5;

export type AffWild2Split = 'train' | 'validation';

/** One annotated person-track of an Aff-Wild2 video. */
export interface AffWild2Item {
  /** Annotation name, e.g. `video10_1_left`. */
  name: string;
  /** The raw video's base name (the `_left`/`_right` suffix removed), e.g. `video10_1`. */
  videoName: string;
  /** Which annotated person in a two-person video. */
  person?: 'left' | 'right';
  split: AffWild2Split;
  annotationFile: string;
  /** The raw video when found (`.mp4` / `.avi`); audio is shared by `_left` and `_right`. */
  videoFile?: string;
  /** `cropped_aligned/<name>` when present: 5-digit 1-based jpgs, missing where no face was found. */
  croppedAlignedDir?: string;
  /** One value per annotated frame; the row count is authoritative over a decoder's frame count. */
  valence: Float32Array;
  arousal: Float32Array;
  /** Frames whose labels are not −5. */
  labelledFrames: number;
}

export interface AffWild2Options {
  /** Dataset root: holds `VA_Estimation_Challenge/` (recent ABAW) or `annotations/VA_Set/` (older editions). */
  root: string;
  split: AffWild2Split;
  /** Folders searched for raw videos; default `<root>/videos`, `<root>/raw_videos`, `<root>/batch1`, `<root>/batch2`, `<root>`. */
  videoDirs?: string[];
  /** `<root>/cropped_aligned` by default. */
  croppedAlignedDir?: string;
}

const SPLIT_DIRS: Record<AffWild2Split, string[]> = {
  train: ['Train_Set', 'Training_Set'],
  validation: ['Validation_Set'],
};

/** Finds the annotation folder of a split in either known layout. */
export function affWild2AnnotationDir(root: string, split: AffWild2Split): string {
  const bases = [path.join(root, 'VA_Estimation_Challenge'), path.join(root, 'annotations', 'VA_Set'), path.join(root, 'VA_Set')];
  for (const base of bases) {
    for (const d of SPLIT_DIRS[split]) {
      const candidate = path.join(base, d);
      if (fs.existsSync(candidate)) return candidate;
    }
  }
  throw new Error(
    `${root}: no Aff-Wild2 VA annotations for split '${split}' (looked for VA_Estimation_Challenge/{${SPLIT_DIRS[split].join(',')}} and annotations/VA_Set/...)`,
  );
}

/**
 * Parses one VA annotation file: header `valence,arousal`, then one `v,a` row per frame with
 * values in [−1, 1] or −5. Any other shape is an error naming the file and line.
 */
export function parseVaAnnotation(file: string, text: string = fs.readFileSync(file, 'utf8')): { valence: Float32Array; arousal: Float32Array } {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  const header = (lines[0] ?? '').trim().toLowerCase().replace(/\s/g, '');
  if (header !== 'valence,arousal') {
    throw new Error(`Annotation file ${file} line 1: expected header "valence,arousal", got "${lines[0] ?? ''}"`);
  }
  const n = lines.length - 1;
  if (n === 0) throw new Error(`Annotation file ${file}: no frames after the header`);
  const valence = new Float32Array(n);
  const arousal = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const cols = lines[i + 1].split(',');
    if (cols.length !== 2) throw new Error(`Annotation file ${file} line ${i + 2}: expected 2 columns "valence,arousal", got ${cols.length}`);
    const v = Number(cols[0]);
    const a = Number(cols[1]);
    for (const [value, what] of [[v, 'valence'], [a, 'arousal']] as const) {
      if (cols[0].trim() === '' || cols[1].trim() === '' || !Number.isFinite(value)) {
        throw new Error(`Annotation file ${file} line ${i + 2}: ${what} "${what === 'valence' ? cols[0] : cols[1]}" is not a number`);
      }
      if (value !== AFFWILD2_UNLABELLED && (value < -1 || value > 1)) {
        throw new Error(`Annotation file ${file} line ${i + 2}: ${what} ${value} is outside [-1, 1] (and not the -5 marker)`);
      }
    }
    valence[i] = v;
    arousal[i] = a;
  }
  return { valence, arousal };
}

/** `video10_1_left` → `{videoName: 'video10_1', person: 'left'}`. */
export function affWild2VideoName(name: string): { videoName: string; person?: 'left' | 'right' } {
  const m = /^(.*)_(left|right)$/.exec(name);
  return m ? { videoName: m[1], person: m[2] as 'left' | 'right' } : { videoName: name };
}

function findVideo(dirs: string[], base: string): string | undefined {
  for (const d of dirs) {
    for (const ext of ['.mp4', '.avi', '.MP4', '.AVI']) {
      const f = path.join(d, base + ext);
      if (fs.existsSync(f)) return f;
    }
  }
  return undefined;
}

/** Reads every annotated track of a split, sorted by name. */
export function readAffWild2(options: AffWild2Options): AffWild2Item[] {
  const dir = affWild2AnnotationDir(options.root, options.split);
  const videoDirs = options.videoDirs ?? ['videos', 'raw_videos', 'batch1', 'batch2', '.'].map((d) => path.join(options.root, d));
  const cropped = options.croppedAlignedDir ?? path.join(options.root, 'cropped_aligned');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -4);
      const annotationFile = path.join(dir, f);
      const { valence, arousal } = parseVaAnnotation(annotationFile);
      const { videoName, person } = affWild2VideoName(name);
      const croppedDir = path.join(cropped, name);
      let labelledFrames = 0;
      for (let i = 0; i < valence.length; i++) if (valence[i] !== AFFWILD2_UNLABELLED && arousal[i] !== AFFWILD2_UNLABELLED) labelledFrames++;
      return {
        name,
        videoName,
        person,
        split: options.split,
        annotationFile,
        videoFile: findVideo(videoDirs, videoName),
        croppedAlignedDir: fs.existsSync(croppedDir) ? croppedDir : undefined,
        valence,
        arousal,
        labelledFrames,
      };
    });
}

/** The `cropped_aligned` image of frame `index` (0-based): `<dir>/00001.jpg` for index 0. */
export function croppedAlignedFrame(dir: string, index: number): string {
  return path.join(dir, `${String(index + 1).padStart(5, '0')}.jpg`);
}

/** Reads the ABAW test-set name list: one annotation name per line (blank lines and `#` comments ignored). */
export function readAffWild2TestNames(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.replace(/\.(txt|mp4|avi)$/i, ''));
}

/** Per-frame predictions of one test track. */
export interface VaPrediction {
  name: string;
  valence: ArrayLike<number>;
  arousal: ArrayLike<number>;
}

/**
 * Writes an ABAW VA submission: header `image_location,valence,arousal`, rows
 * `<name>/00001.jpg,v,a` (5-digit, 1-based), atomically. Values are clipped to [−1, 1]; a non-finite
 * prediction is an error naming the track and frame.
 */
export function writeAbawVaSubmission(file: string, predictions: VaPrediction[]): void {
  const rows = ['image_location,valence,arousal'];
  for (const p of predictions) {
    if (p.valence.length !== p.arousal.length) throw new Error(`${p.name}: ${p.valence.length} valence but ${p.arousal.length} arousal values`);
    for (let i = 0; i < p.valence.length; i++) {
      const v = p.valence[i];
      const a = p.arousal[i];
      if (!Number.isFinite(v) || !Number.isFinite(a)) throw new Error(`${p.name} frame ${i + 1}: prediction (${v}, ${a}) is not finite`);
      const clip = (x: number) => Math.max(-1, Math.min(1, x));
      rows.push(`${p.name}/${String(i + 1).padStart(5, '0')}.jpg,${clip(v)},${clip(a)}`);
    }
  }
  writeFileAtomic(file, rows.join('\n') + '\n');
}
