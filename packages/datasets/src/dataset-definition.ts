/**
 * One item of a dataset as a reader returns it: a media file, who is in it, its split and its labels.
 * The pipelines train on these as they are (`PipelineItem` has the same fields).
 */
export interface DatasetItem {
  /** Unique within the dataset; names the item's features in a features folder. */
  id: string;
  /** The video (or audio-only) file. */
  file: string;
  /** 'train' | 'validation' | 'test' (the dataset's own split; `--split` may replace it). */
  split?: string;
  /** Speaker / actor / subject, for speaker-independent splits and cross-validation. */
  speaker?: string;
  /** Classification target: an index into the definition's (or the read's) `classes`. */
  classLabel?: number;
  /** Per-frame valence/arousal [T, 2], −5 = unlabelled. Row count is authoritative. */
  frameLabels?: Float32Array;
  /** Multi-label target [C]: 1 where the class is present, else 0. */
  multiLabel?: Float32Array;
  /** The person annotated in a two-person video. */
  person?: 'left' | 'right';
  /** The dataset's own aligned face crops of this item (a folder of images). */
  faceCrops?: string;
  /** Transcript file for text streams (bracket lines, SRT, VTT). */
  transcript?: string;
}

/** Per-read choices; a reader ignores those that do not apply to it. */
export interface DatasetReadOptions {
  /** Read the audio-only files where the dataset has both (RAVDESS, CREMA-D). */
  audioOnly?: boolean;
}

/** What a reader returns. */
export interface DatasetRead {
  items: DatasetItem[];
  /** Class names when they depend on the read (default: the definition's `classes`). */
  classes?: readonly string[];
  /** What the reader noticed and did not stop for (missing optional splits, unlabelled items). */
  notes?: string[];
}

/** A dataset's official fold protocol: `split` re-splits its items for fold 1 … `count`. */
export interface DatasetFolds {
  count: number;
  /** One line: what the folds hold out, e.g. 'speakers: 4 actors a fold'. */
  about: string;
  /** The items with `split` replaced by the fold's ('train' | 'validation' | 'test'). */
  split<T extends Pick<DatasetItem, 'id' | 'file' | 'split' | 'speaker'>>(items: readonly T[], fold: number): T[];
}

/** How the labels read: the task a network must have to train on the dataset. */
export type DatasetLabels = 'classes' | 'valence-arousal' | 'multi-label';

/** `mer extract` of a dataset whose features are files of precomputed features, not media. */
export interface PrecomputedExtractOptions {
  /** A registered network name. */
  pipeline: string;
  /** The `<root>` of `<name>:<root>`. */
  root: string;
  out: string;
  limit?: number;
  /** The dataset's fold list file (default: one found in `root`). */
  folds?: string;
  /** Which of the dataset's label tasks to learn. */
  labels?: string;
  /** Steps each sequence is averaged onto per item. */
  steps?: number;
  /** Stream name → the file of precomputed features it takes. */
  sequences?: Record<string, string>;
  onItem?: (id: string, index: number, total: number, status: string) => void;
}

export interface PrecomputedExtractReport {
  extracted: string[];
  skipped: string[];
  failed: { id: string; file: string; error: string }[];
  total: number;
  datasetNotes: string[];
}

/** A dataset whose features come from precomputed files: it writes the features folder itself. */
export interface PrecomputedFeatures {
  /** Why its items are not read from media and what to do instead: the error when they are asked for. */
  about: string;
  /** What the extraction report calls the items written, e.g. 'segments written from the computational sequences'. */
  written: string;
  extract(options: PrecomputedExtractOptions): Promise<PrecomputedExtractReport>;
}

/**
 * A registered dataset: its name (the `<name>` of `--dataset <name>:<root>`), what it is, its labels,
 * how its items are read (`read`, from media; or `precomputed`, features written straight from files),
 * how a file names its speaker, and its official fold protocol.
 */
export interface DatasetDefinition {
  /** Lower-case letters, digits and '-'. */
  name: string;
  /** How the corpus is written, e.g. 'RAVDESS', 'Aff-Wild2'. */
  title: string;
  /** One line for `mer datasets`: the corpus and what is read. */
  about: string;
  labels: DatasetLabels;
  /** Class names (classification); a read may return its own. */
  classes?: readonly string[];
  /** One line: the split the items come with, e.g. 'actors 1–4 test, 5–8 validation, 9–24 train'. */
  split: string;
  /** Reads the items under `root`, each with its split and labels; throws naming the file on bad input. */
  read?: (root: string, options: DatasetReadOptions) => DatasetRead;
  precomputed?: PrecomputedFeatures;
  /** The speaker a file's name says (features folders written before speakers were recorded); throws or returns undefined when it does not. */
  speakerOfFile?: (file: string) => string | undefined;
  folds?: DatasetFolds;
}
