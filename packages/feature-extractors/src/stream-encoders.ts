import * as path from 'node:path';
import type { StreamDeclaration } from '@mer/training';
import type { ExtractionPlan, PipelineExtractorOptions, StreamSpec } from './extraction-types';
import { FaceDetector } from './face-detector';
import { FaceEmbedder } from './face-embedder';
import { FACE_TRACK_GEOMETRY, type FrameEmbedder } from './face-track-extractor';
import { HashedTextEncoder } from './hashed-text-encoder';
import { HubAudioEncoder, HubImageEncoder, HubTextEncoder } from './hub-encoders';
import { EGEMAPS_FUNCTIONALS_DIM, EGEMAPS_LLD_DIM } from './acoustic/acoustic-file';
import { MFCC_DEFAULTS } from './log-mel-spectrogram';
import { SpeechTranscriber } from './speech-transcriber';
import { VggishNetwork } from './vggish-network';

/** The extractors a recipe's stream may name, with the modality and timing each computes. */
export const STREAM_EXTRACTORS = {
  face: { modality: 'visual', timings: ['frames', 'clip'], about: 'BlazeFace + tracking (or centred crop) + shipped face CNN, or a hub image model' },
  'logmel-mean-std': { modality: 'audio', timings: ['frames'], about: 'VGGish log-mel (64 bands) mean and std over the 0.96 s around each frame' },
  'logmel-halves': { modality: 'audio', timings: ['frames'], about: 'VGGish log-mel means of the two halves of the 0.96 s around each frame' },
  vggish: { modality: 'audio', timings: ['frames'], about: 'the VGGish network (converted weights) on the 96×64 patch centred on each frame' },
  'hub-audio': { modality: 'audio', timings: ['frames'], about: 'a transformers.js speech model, hidden states averaged over each frame' },
  'hashed-words': { modality: 'text', timings: ['frames'], about: 'feature-hashed transcript words, interpolated onto frames (MAVEN eq. 12)' },
  'hub-text': { modality: 'text', timings: ['frames'], about: 'a transformers.js text model per transcript segment, interpolated onto frames' },
  mfcc: { modality: 'audio', timings: ['clip'], about: 'librosa-style MFCCs (10) of the clip at 22.05 kHz' },
  egemaps: { modality: 'audio', timings: ['frames', 'clip'], about: 'the 25 eGeMAPS low-level descriptors per 10 ms (pooled onto frame times; on clips, the centred clip\'s sequence)' },
  'egemaps-functionals': { modality: 'audio', timings: ['clip'], about: '77 eGeMAPS-style functionals of the centred clip (one row)' },
  'logmel-mean-std+egemaps': { modality: 'audio', timings: ['frames'], about: 'log-mel mean/std (128) beside the pooled eGeMAPS descriptors (25)' },
} as const;

export type ExtractorKind = keyof typeof STREAM_EXTRACTORS;

/** A declared stream with the extractor chosen for it (the default, or the paper's when the user gave its model), or 'precomputed' by a dataset reader. */
export interface ResolvedStream {
  spec: StreamSpec;
  kind: ExtractorKind | 'precomputed';
}

export type Embedder = FrameEmbedder & { dispose(): void };

/** The loaded models a plan's streams need; absent ones are null. */
export interface StreamEncoders {
  detector: FaceDetector | null;
  embedder: Embedder;
  audio: HubAudioEncoder | null;
  text: HubTextEncoder | HashedTextEncoder | null;
  asr: SpeechTranscriber | null;
  vggish: VggishNetwork | null;
}

export type ResolvedOptions = PipelineExtractorOptions & Required<Pick<PipelineExtractorOptions, 'faces' | 'visualModel' | 'detectEvery'>>;

export const VGGISH_LOG_MEL = { sampleRate: 16000, window: 0.96, melBands: 64 };
export const EGEMAPS_CONFIG = { version: 'mer-egemaps/2', sampleRate: 16000, formantSampleRate: 11000, timeStep: 0.01 };

/** Which extractor computes `decl` under these options: the paper's when the user supplied its model. */
function chooseKind(plan: ExtractionPlan, decl: StreamDeclaration, o: ResolvedOptions): ExtractorKind {
  const paper = decl.paperExtractor;
  const supplied = (paper === 'hub-audio' && o.audioEncoder) || (paper === 'hub-text' && o.textEncoder) || (paper === 'vggish' && o.vggishWeights);
  const kind = (supplied ? paper : (o.streams?.[decl.name] ?? decl.extractor)) as ExtractorKind;
  const known = STREAM_EXTRACTORS[kind];
  if (!known) throw new Error(`${plan.name}: stream '${decl.name}' names extractor '${kind}', which is not one of ${Object.keys(STREAM_EXTRACTORS).join(', ')}`);
  if (known.modality !== decl.modality) throw new Error(`${plan.name}: stream '${decl.name}' is ${decl.modality} but extractor '${kind}' computes ${known.modality}`);
  if (!(known.timings as readonly string[]).includes(plan.timing.kind)) throw new Error(`${plan.name}: extractor '${kind}' does not run on ${plan.timing.kind}-timed plans`);
  return kind;
}

/** Loads the models the plan's streams need and states every stream's width and config. */
export async function loadStreamEncoders(plan: ExtractionPlan, o: ResolvedOptions): Promise<{ streams: ResolvedStream[]; encoders: StreamEncoders }> {
  if (plan.streams.length === 0) throw new Error(`${plan.name}: the recipe declares no input streams`);
  const unknown = Object.keys(o.streams ?? {}).filter((n) => !plan.streams.some((d) => d.name === n));
  if (unknown.length > 0) throw new Error(`${plan.name}: no stream named ${unknown.join(', ')} (its streams: ${plan.streams.map((d) => d.name).join(', ')})`);
  const unknownPre = Object.keys(o.precomputed ?? {}).filter((n) => !plan.streams.some((d) => d.name === n));
  if (unknownPre.length > 0) throw new Error(`${plan.name}: no stream named ${unknownPre.join(', ')} (its streams: ${plan.streams.map((d) => d.name).join(', ')})`);
  const kinds = plan.streams.map((d) => (o.precomputed?.[d.name] ? 'precomputed' : chooseKind(plan, d, o)));
  const uses = (k: ExtractorKind) => kinds.includes(k);
  const hub = o.hub ?? {};
  const detector = o.faces !== 'none' && uses('face') ? await FaceDetector.load() : null;
  const embedder: Embedder = o.visualEncoder ? await HubImageEncoder.fromPretrained(o.visualEncoder, hub) : await FaceEmbedder.load(o.visualModel);
  const audio = uses('hub-audio') ? await HubAudioEncoder.fromPretrained(o.audioEncoder!, hub) : null;
  const text = uses('hub-text') ? await HubTextEncoder.fromPretrained(o.textEncoder!, hub) : uses('hashed-words') ? new HashedTextEncoder(256) : null;
  const vggish = uses('vggish') ? VggishNetwork.load(o.vggishWeights!) : null;
  const asr = o.asrModel && text ? await SpeechTranscriber.fromPretrained(o.asrModel, hub) : null;
  const encoders: StreamEncoders = { detector, embedder, audio, text, asr, vggish };

  const visualName = o.visualEncoder ? `hub:${o.visualEncoder}` : o.visualModel;
  const clip = plan.timing.kind === 'clip' ? { seconds: o.clipSeconds ?? plan.timing.seconds, frames: o.clipFrames ?? plan.timing.frames } : {};
  const streams = plan.streams.map((decl, i): ResolvedStream => {
    const kind = kinds[i];
    const base = { name: decl.name, modality: decl.modality, standsInFor: decl.standsInFor };
    const spec = ((): StreamSpec => {
      switch (kind) {
        case 'precomputed': {
          const pre = o.precomputed![decl.name];
          return { ...base, extractor: `precomputed:${pre.source}`, dim: pre.dim, config: { source: pre.source, ...pre.config }, standsInFor: decl.standsInFor };
        }
        case 'face':
          return {
            ...base,
            extractor: `${{ detect: 'blazeface', none: 'centre-crop', 'cropped-aligned': 'cropped-aligned' }[o.faces]}+${visualName}`,
            dim: embedder.dim,
            config: { faces: o.faces, model: visualName, detectEvery: o.detectEvery, geometry: FACE_TRACK_GEOMETRY, ...(o.face && o.face !== 'main' ? { select: o.face } : {}), ...clip },
            standsInFor: o.visualEncoder ? undefined : decl.standsInFor,
          };
        case 'logmel-mean-std':
        case 'logmel-halves':
          return { ...base, extractor: kind, dim: 2 * VGGISH_LOG_MEL.melBands, config: VGGISH_LOG_MEL };
        case 'vggish':
          return { ...base, extractor: `vggish:${path.resolve(o.vggishWeights!)}`, dim: vggish!.dim, config: { ...VGGISH_LOG_MEL, patch: '96x64 centred' }, standsInFor: undefined };
        case 'hub-audio':
          return { ...base, extractor: `hub:${o.audioEncoder}`, dim: audio!.dim, config: { sampleRate: audio!.sampleRate, pooling: 'frame-span-mean' }, standsInFor: undefined };
        case 'hashed-words':
          return { ...base, extractor: kind, dim: text!.dim, config: { dim: text!.dim, interpolation: 'linear' } };
        case 'hub-text':
          return { ...base, extractor: `hub:${o.textEncoder}`, dim: text!.dim, config: { pooling: 'attention-masked-mean', interpolation: 'linear' }, standsInFor: 'ASR (transcripts are given)' };
        case 'egemaps':
          return { ...base, extractor: kind, dim: EGEMAPS_LLD_DIM, config: { ...EGEMAPS_CONFIG, ...clip } };
        case 'egemaps-functionals':
          return { ...base, extractor: kind, dim: EGEMAPS_FUNCTIONALS_DIM, config: { ...EGEMAPS_CONFIG, functionals: 'mer-egemaps-functionals/1', ...clip } };
        case 'logmel-mean-std+egemaps':
          return { ...base, extractor: kind, dim: 2 * VGGISH_LOG_MEL.melBands + EGEMAPS_LLD_DIM, config: { ...VGGISH_LOG_MEL, egemaps: EGEMAPS_CONFIG } };
        case 'mfcc':
          return { ...base, extractor: kind, dim: MFCC_DEFAULTS.coefficients, config: { sampleRate: MFCC_DEFAULTS.sampleRate, coefficients: MFCC_DEFAULTS.coefficients, ...clip } };
      }
    })();
    if (spec.standsInFor === undefined) delete spec.standsInFor;
    return { spec, kind };
  });
  return { streams, encoders };
}

export function disposeEncoders(e: StreamEncoders): void {
  e.detector?.dispose();
  e.embedder.dispose();
  e.audio?.dispose();
  if (e.text instanceof HubTextEncoder) e.text.dispose();
  e.vggish?.dispose();
}
