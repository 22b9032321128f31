import type { StreamDeclaration, StreamModality, StreamTiming } from '@mer/training';
import type { ExtractionPlan, PipelineExtractorOptions, StreamSpec } from './extraction-types';
import type { FaceRows } from './face-track-extractor';
import type { Spectrogram } from './log-mel-spectrogram';
import type { FileResources } from './file-resources';
import { BUILTIN_EXTRACTORS } from './extractors/builtin-extractors';

/** Extraction options with the face defaults applied (see `PipelineExtractor.create`). */
export type ResolvedOptions = PipelineExtractorOptions & Required<Pick<PipelineExtractorOptions, 'faces' | 'visualModel' | 'detectEvery'>>;

/** Seconds and frames of a clip-timed plan's clip. */
export interface ClipSpan {
  seconds: number;
  frames: number;
}

/** What an extractor is given once per plan, to load its models and describe its stream. */
export interface ExtractorSetup {
  plan: ExtractionPlan;
  options: ResolvedOptions;
  /** The plan's clip, for clip-timed plans; null for frame-timed ones. */
  clip: ClipSpan | null;
}

/** Rows of one stream: `[rows, dim]` row-major and, where some rows have no value, a per-row mask (default: 1 where the file has audio). */
export interface StreamRows {
  data: Float32Array;
  mask?: Uint8Array;
}

/** One batch of rows at the visual timeline's times (frame-timed plans). */
export interface FrameRowsRequest {
  /** [rows] presentation times, seconds. */
  times: Float64Array;
  /** The video's nominal rate (25 for audio-only files). */
  fps: number;
  file: FileResources;
  /** The log-mel spectrogram around these rows and the rows' times relative to its first frame, when the extractor `needs.logMel`. */
  logMel: { spec: Spectrogram; times: ArrayLike<number> } | null;
}

/** The visual timeline of a frame-timed file, whole or batch by batch. */
export interface VisualTrack {
  data: Float32Array;
  mask: Uint8Array;
  frames: number;
  fps: number;
  times: Float64Array;
  faces?: FaceRows;
}

export interface VisualBatch extends VisualTrack {
  firstRow: number;
}

/** One extractor loaded for a plan: it states its stream (width, config) and computes rows. */
export interface StreamExtractor {
  /** What the feature store and `pipeline.json` record of the stream `decl` it computes. */
  describe(decl: StreamDeclaration): Pick<StreamSpec, 'extractor' | 'dim' | 'config' | 'shape'> & { standsInFor?: string | null };
  /** Per-file inputs it reads (computed once per file and shared between streams). */
  readonly needs?: { logMel?: boolean; llds?: boolean; wholeFile?: boolean };
  /** Called once per file before any rows (e.g. to read a transcript), in the order the notes should appear. */
  prepare?(file: FileResources): Promise<void>;
  /** Audio and text extractors of frame-timed plans: rows at the visual timeline's times. */
  rows?(request: FrameRowsRequest): Promise<StreamRows>;
  /**
   * Visual extractors of frame-timed plans: the file's rows, which set the timeline for the others;
   * with `onBatch`, streamed (the result then holds no rows). Null when the file has no video.
   */
  track?(file: FileResources, onBatch?: (batch: VisualBatch) => Promise<void>): Promise<VisualTrack | null>;
  /** Clip-timed plans: the stream's rows over the centred clip (`times` for visual rows: each sampled frame's time). */
  clip?(file: FileResources, clip: ClipSpan): Promise<StreamRows & { frames: number; times?: Float64Array }>;
  dispose?(): void;
}

/**
 * A feature extractor as mer's registry knows it: a kind name, the modality and timings it computes,
 * its width, and `create`, which loads what it needs once per plan. Register one with
 * {@link registerExtractor}; a recipe's stream (or `--stream audio=<kind>`) then names it.
 */
export interface ExtractorDefinition {
  kind: string;
  modality: StreamModality;
  timings: readonly StreamTiming['kind'][];
  /** One line: what it computes. */
  about: string;
  /** Its output width: a number, or how it is set (e.g. "the face model's: 256 expression, 1024 faceres"). */
  width: number | string;
  /**
   * 'pixels': each row is an image (integers 0–255, `describe` gives its `shape`), stored as uint8 and
   * exempt from per-dimension standardisation — the network scales it. Default: features.
   */
  values?: 'pixels';
  /** Whether the options supply this extractor's model, so that a stream whose `paperExtractor` is this kind uses it (e.g. hub-audio with `audioEncoder`). */
  supplied?(options: ResolvedOptions): boolean;
  create(setup: ExtractorSetup): Promise<StreamExtractor>;
}

const registry = new Map<string, ExtractorDefinition>(BUILTIN_EXTRACTORS.map((d) => [d.kind, d]));

/** Adds (or replaces) an extractor kind. Returns the definition. */
export function registerExtractor(def: ExtractorDefinition): ExtractorDefinition {
  if (!def || typeof def.kind !== 'string' || def.kind === '' || typeof def.create !== 'function') {
    throw new Error('registerExtractor: a definition needs a kind (non-empty string) and a create() function');
  }
  if (!['audio', 'visual', 'text'].includes(def.modality)) throw new Error(`registerExtractor '${def.kind}': modality must be audio, visual or text (got ${String(def.modality)})`);
  if (!Array.isArray(def.timings) || def.timings.length === 0 || def.timings.some((t) => t !== 'frames' && t !== 'clip')) {
    throw new Error(`registerExtractor '${def.kind}': timings must list 'frames' and/or 'clip'`);
  }
  registry.set(def.kind, def);
  return def;
}

/** The registered extractor of this kind, or an error listing the registered ones. */
export function getExtractor(kind: string): ExtractorDefinition {
  const def = registry.get(kind);
  if (!def) throw new Error(`no extractor '${kind}' is registered (registered: ${[...registry.keys()].join(', ')})`);
  return def;
}

/** Whether an extractor of this kind is registered. */
export function hasExtractor(kind: string): boolean {
  return registry.has(kind);
}

/** Every registered extractor, in registration order. */
export function listExtractors(): ExtractorDefinition[] {
  return [...registry.values()];
}
