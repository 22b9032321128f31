import { FACE_TRACK_GEOMETRY, MFCC_DEFAULTS } from '@mer/feature-extractors';
import type { PipelineManifest } from '@mer/pipelines';

/** The page's face rows: BlazeFace's followed face, cut as `mer extract` cuts it, embedded by the shipped expression CNN. */
export const PAGE_FACE_EXTRACTOR = 'blazeface+expression';
/** The page's audio rows: librosa-style MFCCs of the clip's span, from the microphone at the MFCCs' rate. */
export const PAGE_MFCC_EXTRACTOR = 'mfcc';

/** What a clip run's streams ask the page for: the clip's span and which stream is the face one and which the MFCC one. */
export interface ClipPlan {
  seconds: number;
  /** Video frames sampled over the span. */
  frames: number;
  face: string;
  mfcc: string | null;
}

type Stream = PipelineManifest['streams'][number];

/** Why the page cannot compute this stream's rows, or null when it can. */
function streamProblem(s: Stream): string | null {
  const c = s.config ?? {};
  const named = `'${s.name}' (${s.extractor})`;
  if (s.extractor === PAGE_FACE_EXTRACTOR) {
    if (c['geometry'] !== FACE_TRACK_GEOMETRY) return `its stream ${named} was extracted with face geometry ${String(c['geometry'] ?? 'unnamed (version 1)')}; the page cuts faces as ${FACE_TRACK_GEOMETRY}`;
    if (c['select'] !== undefined) return `its stream ${named} follows the ${String(c['select'])} face; the page follows the largest`;
    return null;
  }
  if (s.extractor === PAGE_MFCC_EXTRACTOR) {
    if (c['sampleRate'] !== MFCC_DEFAULTS.sampleRate || c['coefficients'] !== MFCC_DEFAULTS.coefficients) return `its stream ${named} has MFCCs of ${String(c['coefficients'])} at ${String(c['sampleRate'])} Hz; the page computes ${MFCC_DEFAULTS.coefficients} at ${MFCC_DEFAULTS.sampleRate} Hz`;
    return null;
  }
  return `its stream ${named}: the page computes clip streams of ${PAGE_FACE_EXTRACTOR} and ${PAGE_MFCC_EXTRACTOR} only`;
}

/**
 * What the page computes for a clip run (AVT-CA on `face` + `mfcc`, as `mer extract --pipeline avt-ca
 * --preset lite|features` writes them), or why it cannot: a stream of another extractor or made
 * differently, no face stream, or no clip span recorded. Whether the run itself is a single clip
 * classifier is `clipRunProblem`'s to say (@mer/pipelines).
 */
export function clipPlan(m: PipelineManifest): ClipPlan | string {
  for (const s of m.streams) {
    const problem = streamProblem(s);
    if (problem) return problem;
  }
  const face = m.streams.find((s) => s.extractor === PAGE_FACE_EXTRACTOR);
  if (!face) return `no ${PAGE_FACE_EXTRACTOR} stream: a clip run the page scores takes the camera's faces`;
  const seconds = Number(face.config['seconds']);
  const frames = Number(face.config['frames']);
  if (!(seconds > 0) || !(Number.isInteger(frames) && frames > 0)) return `its stream '${face.name}' records no clip span (seconds, frames): not extracted for a clip network`;
  if (m.streams.filter((s) => s.extractor === PAGE_FACE_EXTRACTOR).length > 1 || m.streams.filter((s) => s.extractor === PAGE_MFCC_EXTRACTOR).length > 1) return 'two streams of one extractor: the page computes one face stream and one MFCC stream';
  return { seconds, frames, face: face.name, mfcc: m.streams.find((s) => s.extractor === PAGE_MFCC_EXTRACTOR)?.name ?? null };
}
