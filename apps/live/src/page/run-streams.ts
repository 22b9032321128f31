import { EGEMAPS_CONFIG, FACE_TRACK_GEOMETRY, type FaceEmbedderModel, LOG_MEL_DEFAULTS, MFCC_DEFAULTS } from '@mer/feature-extractors';
import type { PipelineManifest } from '@mer/pipelines';

/** The page's face rows: the followed face (BlazeFace) or the centred square, cut as `mer extract` cuts it, embedded by the shipped expression CNN. */
export const PAGE_FACE_EXTRACTORS = { 'blazeface+expression': 'detect', 'centre-crop+expression': 'centre' } as const;
export type FaceSource = (typeof PAGE_FACE_EXTRACTORS)[keyof typeof PAGE_FACE_EXTRACTORS];
/** Face rows embedded by FaceRes (human's `faceres`, 1024-d, `mer extract --visual-model faceres`): about 80 ms a face on wasm, so a frame run embeds the newest crops and holds the last face between ({@link FACERES_LAG_S}). */
export const PAGE_FACERES_EXTRACTORS = { 'blazeface+faceres': 'detect', 'centre-crop+faceres': 'centre' } as const;
/** A frame run's FaceRes rows: a crop more than this far (s) behind the newest one the run has been handed is not embedded; its rows hold the last face embedded. */
export const FACERES_LAG_S = 0.5;
/** The page's embedded face rows by extractor: where the face comes from and which shipped model embeds it. */
const EMBEDDED_FACES: Readonly<Record<string, { source: FaceSource; model: FaceEmbedderModel }>> = Object.fromEntries([
  ...Object.entries(PAGE_FACE_EXTRACTORS).map(([k, source]) => [k, { source, model: 'expression' }]),
  ...Object.entries(PAGE_FACERES_EXTRACTORS).map(([k, source]) => [k, { source, model: 'faceres' }]),
]);
/** The page's face crops kept as pixels (the `face-crops` extractor: AVT-CA's paper preset), cut as `mer extract` cuts them at the stream's side. */
export const PAGE_PIXEL_EXTRACTORS = { 'blazeface+pixels': 'detect', 'centre-crop+pixels': 'centre' } as const;
/** Every face stream a clip run may read (embedded rows or pixels), with where its face comes from. */
const CLIP_FACE_SOURCES: Readonly<Record<string, FaceSource>> = { ...Object.fromEntries(Object.entries(EMBEDDED_FACES).map(([k, f]) => [k, f.source])), ...PAGE_PIXEL_EXTRACTORS };
/** The page's clip audio rows: librosa-style MFCCs of the clip's span, from the microphone at the MFCCs' rate. */
export const PAGE_MFCC_EXTRACTOR = 'mfcc';
/** VGGish's log-mel as the offline audio extractors record it in a stream's config. */
const VGGISH_LOG_MEL = { sampleRate: LOG_MEL_DEFAULTS.sampleRate, window: 0.96, melBands: LOG_MEL_DEFAULTS.melBands };

/** What one per-frame audio extractor's row is made of: the log-mel pooled one way (or none), then the pooled eGeMAPS descriptors (or none); and the config it records. */
export interface FrameAudioParts {
  logMel: 'mean-std' | 'halves' | null;
  descriptors: boolean;
  config: Record<string, unknown>;
}

/** The page's per-frame audio rows, by extractor: VGGish's log-mel pooled over the 0.96 s around each frame, and eGeMAPS descriptors pooled onto it. */
export const PAGE_FRAME_AUDIO = {
  'logmel-mean-std': { logMel: 'mean-std', descriptors: false, config: VGGISH_LOG_MEL },
  'logmel-halves': { logMel: 'halves', descriptors: false, config: VGGISH_LOG_MEL },
  'logmel-mean-std+egemaps': { logMel: 'mean-std', descriptors: true, config: { ...VGGISH_LOG_MEL, egemaps: EGEMAPS_CONFIG } },
  egemaps: { logMel: null, descriptors: true, config: EGEMAPS_CONFIG },
} as const satisfies Record<string, FrameAudioParts>;
export type FrameAudioKind = keyof typeof PAGE_FRAME_AUDIO;
/** Text streams the page feeds masked, as `mer predict` does for a file without a transcript: there is no speech recogniser in the page. */
export const PAGE_MASKED_TEXT_EXTRACTORS = ['hashed-words'];

type Stream = PipelineManifest['streams'][number];

/** What a clip run's streams ask the page for: the clip's span and which stream is the face one and which the MFCC one. */
export interface ClipPlan {
  seconds: number;
  /** Video frames sampled over the span. */
  frames: number;
  face: string;
  source: FaceSource;
  /** The crop side when the face stream keeps the crops as pixels (AVT-CA's paper preset); null when a shipped face model embeds them. */
  pixels: number | null;
  /** The shipped face model that embeds the crops (when not pixels): the expression CNN, or FaceRes. */
  model: FaceEmbedderModel;
  mfcc: string | null;
}

/** What a frame run's streams ask the page for, per frame. */
export interface FramePlan {
  face: { name: string; source: FaceSource; model: FaceEmbedderModel } | null;
  audio: { name: string; kind: FrameAudioKind }[];
  /** Fed zeros, masked. */
  text: string[];
}

const named = (s: Stream) => `'${s.name}' (${s.extractor})`;

/** Why the page cannot make this face stream's rows, or null. */
function faceProblem(s: Stream): string | null {
  const c = s.config ?? {};
  if (s.extractor.startsWith('blazeface+') && c['geometry'] !== FACE_TRACK_GEOMETRY) return `its stream ${named(s)}, extracted with face geometry ${String(c['geometry'] ?? 'unnamed (version 1)')}; the page cuts faces as ${FACE_TRACK_GEOMETRY}`;
  if (c['select'] !== undefined) return `its stream ${named(s)}, which follows the ${String(c['select'])} face; the page follows the largest`;
  return null;
}

/** Whether `actual` holds every value of `expected` (nested objects compared the same way). */
function holds(actual: unknown, expected: Record<string, unknown>): boolean {
  if (typeof actual !== 'object' || actual === null) return false;
  const a = actual as Record<string, unknown>;
  return Object.entries(expected).every(([k, v]) => (typeof v === 'object' && v !== null ? holds(a[k], v as Record<string, unknown>) : a[k] === v));
}

/**
 * What the page computes for a clip run (AVT-CA on `face` + `mfcc`, as `mer extract --pipeline avt-ca
 * --preset lite|features` writes them, with the expression CNN's rows or FaceRes's, or on `face-crops`
 * + `mfcc`, its paper preset), or why it cannot: a stream of another extractor or made differently, no
 * face stream, or no clip span recorded. Whether the run itself is a single clip classifier is
 * `clipRunProblem`'s to say (@mer/pipelines).
 */
export function clipPlan(m: PipelineManifest): ClipPlan | string {
  const kinds = CLIP_FACE_SOURCES;
  const faces = m.streams.filter((s) => s.extractor in kinds);
  const mfccs = m.streams.filter((s) => s.extractor === PAGE_MFCC_EXTRACTOR);
  const faceKinds = Object.keys(kinds).join(', ');
  for (const s of m.streams) {
    if (faces.includes(s)) {
      const problem = faceProblem(s) ?? pixelProblem(s);
      if (problem) return problem;
    } else if (mfccs.includes(s)) {
      const c = s.config ?? {};
      if (c['sampleRate'] !== MFCC_DEFAULTS.sampleRate || c['coefficients'] !== MFCC_DEFAULTS.coefficients) return `its stream ${named(s)} has MFCCs of ${String(c['coefficients'])} at ${String(c['sampleRate'])} Hz; the page computes ${MFCC_DEFAULTS.coefficients} at ${MFCC_DEFAULTS.sampleRate} Hz`;
    } else return `its stream ${named(s)}: the page computes clip streams of ${faceKinds} and ${PAGE_MFCC_EXTRACTOR} only`;
  }
  const face = faces[0];
  if (!face) return `no face stream (${faceKinds.replace(/, ([^,]*)$/, ' or $1')}): a clip run the page scores takes the camera's faces`;
  if (faces.length > 1 || mfccs.length > 1) return 'two streams of one kind: the page computes one face stream and one MFCC stream';
  const seconds = Number(face.config['seconds']);
  const frames = Number(face.config['frames']);
  if (!(seconds > 0) || !(Number.isInteger(frames) && frames > 0)) return `its stream '${face.name}' records no clip span (seconds, frames): not extracted for a clip network`;
  const pixels = face.extractor in PAGE_PIXEL_EXTRACTORS ? Number(face.config['crop']) : null;
  const model = EMBEDDED_FACES[face.extractor]?.model ?? 'expression';
  return { seconds, frames, face: face.name, source: kinds[face.extractor], pixels, model, mfcc: mfccs[0]?.name ?? null };
}

/** Why the page cannot cut a pixel stream's crops as `mer extract` did (its side and layout), or null; null for an embedded stream. */
function pixelProblem(s: Stream): string | null {
  if (!(s.extractor in PAGE_PIXEL_EXTRACTORS)) return null;
  const side = Number(s.config['crop']);
  if (!Number.isInteger(side) || side < 1 || s.values !== 'pixels' || s.dim !== side * side * 3) return `its stream ${named(s)} records crops of side ${String(s.config['crop'])} and width ${s.dim} (${String(s.values ?? 'features')}); the page cuts S×S×3 pixel crops`;
  return null;
}

/**
 * What the page computes for a per-frame run (MAVEN, TCN-fusion on their offline streams: `face`, the
 * pooled log-mel and eGeMAPS streams; MAVEN's transcript stream masked), or why it cannot.
 */
export function framePlan(m: PipelineManifest): FramePlan | string {
  const plan: FramePlan = { face: null, audio: [], text: [] };
  for (const s of m.streams) {
    const embedded = EMBEDDED_FACES[s.extractor];
    if (embedded) {
      const problem = faceProblem(s);
      if (problem) return problem;
      if (plan.face) return 'two face streams: the page computes one';
      plan.face = { name: s.name, ...embedded };
    } else if (s.extractor in PAGE_FRAME_AUDIO) {
      const kind = s.extractor as FrameAudioKind;
      const { config } = PAGE_FRAME_AUDIO[kind];
      if (!holds(s.config, config)) return `its stream ${named(s)} has settings ${JSON.stringify(s.config)}; the page computes ${JSON.stringify(config)}`;
      plan.audio.push({ name: s.name, kind });
    } else if (PAGE_MASKED_TEXT_EXTRACTORS.includes(s.extractor)) {
      plan.text.push(s.name);
    } else {
      return `its stream ${named(s)}: the page computes frame streams of ${[...Object.keys(EMBEDDED_FACES), ...Object.keys(PAGE_FRAME_AUDIO)].join(', ')} (and feeds ${PAGE_MASKED_TEXT_EXTRACTORS.join(', ')} masked) only`;
    }
  }
  return plan;
}
