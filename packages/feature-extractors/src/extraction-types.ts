import type { StreamDeclaration, StreamModality, StreamTiming } from '@mer/training';
import type { FaceEmbedderModel } from './face-embedder';
import type { FaceSelection } from './face-follower';
import type { FaceRows } from './face-track-extractor';
import type { HubOptions } from './hub-model';

/** What a network asks to have extracted: its name (recorded in each store's config), timing and streams. */
export interface ExtractionPlan {
  name: string;
  timing: StreamTiming;
  streams: readonly StreamDeclaration[];
}

/** One extracted stream of a plan, as the feature store manifest and `pipeline.json` record it. */
export interface StreamSpec {
  /** The network input it feeds, and its feature-store folder ('visual', 'audio', 'vggish', …). */
  name: string;
  modality: StreamModality;
  /** What computed it, e.g. 'blazeface+expression', 'logmel-mean-std', 'hub:facebook/hubert-base-ls960'. */
  extractor: string;
  dim: number;
  config: Record<string, unknown>;
  /** The paper's encoder this stream stands in for, when it is an offline default. */
  standsInFor?: string;
  /** Pixel streams (face crops): rows are images 0–255 of `shape` ([H, W, 3]), stored as uint8, never standardised. */
  values?: 'pixels';
  shape?: number[];
}

export interface PipelineExtractorOptions {
  /**
   * 'detect' (BlazeFace + tracking, default), 'none' (frames already show a face: centred square), or
   * 'cropped-aligned' (the dataset's own aligned crops, one per annotated frame, where an item has
   * them; items without are detected, with a note).
   */
  faces?: 'detect' | 'none' | 'cropped-aligned';
  /** Which face to follow in the raw video: 'main' (default), 'largest', 'left', 'right' (an item's own `person` wins). */
  face?: FaceSelection;
  /** Shipped face encoder. Default 'expression' (256-d, real time); 'faceres' (1024-d) is ~15× slower. */
  visualModel?: FaceEmbedderModel;
  /** Detector every N frames, tracking in between. Default 5. */
  detectEvery?: number;
  /** Side of the face crops a pixel stream keeps (extractor 'face-crops'). Default 224 (AVT-CA's paper). */
  cropSize?: number;
  /** Clip-timed plans: seconds and frames per clip (defaults: the plan's). */
  clipSeconds?: number;
  clipFrames?: number;
  /**
   * A transformers.js image model (hub id or local folder) in place of the shipped face encoder for
   * every visual stream, e.g. 'microsoft/swin-base-patch4-window7-224' or an IResNet-50 export.
   */
  visualEncoder?: string;
  /** A transformers.js speech model for streams whose paper extractor is 'hub-audio', e.g. 'facebook/hubert-base-ls960'. */
  audioEncoder?: string;
  /** A transformers.js text model for streams whose paper extractor is 'hub-text', e.g. 'FacebookAI/roberta-base'. */
  textEncoder?: string;
  /** A converted VGGish folder (see VggishNetwork) for streams whose paper extractor is 'vggish'. */
  vggishWeights?: string;
  /** A transformers.js ASR model (Whisper) transcribing items that come without a transcript (plans with a text stream). */
  asrModel?: string;
  /** Where hub models come from (offline by default). */
  hub?: HubOptions;
  /**
   * Modules (absolute paths of CommonJS files) defining extractors that `streams` names: loaded before
   * the streams resolve. Recorded with the features and the run, so training, evaluation and
   * prediction load them again (`mer --extractor <module>`).
   */
  modules?: string[];
  /**
   * Another offline extractor for a stream, by stream name: e.g. `{ audio: 'egemaps' }` gives AVT-CA
   * the eGeMAPS descriptors instead of MFCCs (`mer extract --stream audio=egemaps`). Any registered
   * extractor kind (`registerExtractor`, `mer extractors`) that computes the stream's modality at the
   * plan's timing.
   */
  streams?: Record<string, string>;
  /**
   * Streams whose features a dataset reader wrote straight into the feature store, by stream name:
   * e.g. CMU-MOSEI's computational sequences (`{ audio: { source: 'COVAREP', dim: 74 } }`). They are
   * not computed from media: extracting such a plan from a video is an error naming the stream.
   */
  precomputed?: Record<string, PrecomputedStream>;
  /**
   * Streaming prediction: face detection runs in a second process (which decodes the video itself)
   * ahead of this one, which crops, embeds, computes audio and fuses (two cores for one video; same
   * rows). Default false.
   */
  faceProcess?: boolean;
}

/** A stream a dataset reader supplies: where its features come from and their width. */
export interface PrecomputedStream {
  /** What computed them, e.g. 'COVAREP' or 'FACET 4.2' (CMU-MultimodalSDK sequence names). */
  source: string;
  dim: number;
  /** How they were put on the stream's rows (recorded in the store's config). */
  config?: Record<string, unknown>;
}

/** One stream of one item: `[frames, dim]` with a per-row validity mask. */
export interface ExtractedStream {
  data: Float32Array;
  mask: Uint8Array;
  frames: number;
  dim: number;
  /** 'pixels': rows are images 0–255 (never standardised per dimension). */
  values?: 'pixels';
}

export interface ExtractedItem {
  streams: Record<string, ExtractedStream>;
  /** Rows of the frame-level streams (video frames); for clip plans the number of sampled frames. */
  frames: number;
  fps: number;
  /** Seconds of each row of the visual streams: the frames' own presentation times. */
  times: Float64Array;
  /** The video's frame times stray from its nominal rate's grid (a note says by how much). */
  variableRate?: boolean;
  /** Frame-timed plans with a video: per row, the face used (source pixels) and its score. */
  faces?: FaceRows;
  /** Problems met that did not stop extraction (no face in some frames, no audio track, no transcript). */
  notes: string[];
}

/** Rows `first … first + count − 1` of every stream, as streaming extraction hands them out. */
export interface FrameChunk {
  first: number;
  count: number;
  /** The video's nominal rate. */
  fps: number;
  /** [count] each row's presentation time, seconds. */
  times: Float64Array;
  /** Per row: the face used (source pixels) and its score, when the file has video. */
  faces?: FaceRows;
  streams: Record<string, ExtractedStream>;
}

/** What is known of one item beyond its file. */
export interface ItemSources {
  /** A transcript (bracket lines, SRT, VTT) for text streams. */
  transcript?: string;
  /** The person this item annotates in a two-person video (Aff-Wild2 `_left` / `_right`). */
  person?: 'left' | 'right';
  /** The dataset's aligned face crops of this item (`cropped_aligned/<name>`: 00001.jpg, … per frame). */
  faceCrops?: string;
  /** The annotation's row count (authoritative frame count for crops). */
  frames?: number;
}

export interface ExtractionInput extends ItemSources {
  id: string;
  file: string;
}

export interface ExtractionReport {
  extracted: string[];
  skipped: string[];
  failed: { id: string; file: string; error: string }[];
  notes: Record<string, string[]>;
}
