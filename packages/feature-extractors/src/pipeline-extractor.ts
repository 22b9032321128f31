import { centreCropOrPad, clipFrameIndices, FeatureStore } from '@mer/datasets';
import { decodeAudio, probe } from '@mer/media';
import { logMelOfFile, pooledLogMel } from './audio-frame-features';
import { FaceDetector } from './face-detector';
import { FaceEmbedder, FaceEmbedderModel } from './face-embedder';
import { extractFaceTrack } from './face-track-extractor';
import { HashedTextEncoder } from './hashed-text-encoder';
import { Mfcc } from './log-mel-spectrogram';
import { interpolateToFrames, readTranscript } from './transcript';

/** The three published pipelines whose inputs this package extracts. */
export type PipelineName = 'maven' | 'tcn-fusion' | 'avt-ca';
export const PIPELINE_NAMES: readonly PipelineName[] = ['maven', 'tcn-fusion', 'avt-ca'];

/** One feature stream of a pipeline: what the feature store manifest records. */
export interface StreamSpec {
  /** The model input it feeds, e.g. 'visual', 'audio', 'text', 'vggish', 'logmel', 'video'. */
  modality: string;
  extractor: string;
  dim: number;
  config: Record<string, unknown>;
  /** The paper's encoder this stream stands in for, when it is an offline default. */
  standsInFor?: string;
}

export interface PipelineExtractorOptions {
  /** 'detect' (BlazeFace + tracking, default) or 'none' (frames already show a face: centred square). */
  faces?: 'detect' | 'none';
  /** Shipped face encoder. Default 'expression' (256-d, real time); 'faceres' (1024-d) is ~15× slower. */
  visualModel?: FaceEmbedderModel;
  /** Detector every N frames, tracking in between. Default 5. */
  detectEvery?: number;
  /** AVT-CA clip: seconds and frames. Defaults 3.6 and 15. */
  clipSeconds?: number;
  clipFrames?: number;
}

/** One stream of one item: `[frames, dim]` with a per-row validity mask. */
export interface ExtractedStream {
  data: Float32Array;
  mask: Uint8Array;
  frames: number;
  dim: number;
}

export interface ExtractedItem {
  streams: Record<string, ExtractedStream>;
  /** Rows of the frame-level streams (video frames) — for AVT-CA the number of sampled frames. */
  frames: number;
  fps: number;
  /** Seconds of each row of the visual stream. */
  times: Float64Array;
  /** Problems met that did not stop extraction (no face in some frames, no audio track, no transcript). */
  notes: string[];
}

export interface ExtractionInput {
  id: string;
  file: string;
  /** A transcript (bracket lines, SRT, VTT) for MAVEN's text stream. */
  transcript?: string;
}

export interface ExtractionReport {
  extracted: string[];
  skipped: string[];
  failed: { id: string; file: string; error: string }[];
  notes: Record<string, string[]>;
}

const VGGISH_SR = 16000;

/**
 * The feature extractors of one pipeline, by name, with the offline defaults that install with the
 * project (BlazeFace + the shipped expression CNN for faces, transformers.js' log-mel/MFCC front
 * ends pooled per frame for audio, feature hashing for transcripts). Each stream says which paper
 * encoder it stands in for. `extractAll` writes every stream to a {@link FeatureStore} resumably.
 */
export class PipelineExtractor {
  private constructor(
    readonly pipeline: PipelineName,
    readonly streams: StreamSpec[],
    private readonly detector: FaceDetector | null,
    private readonly embedder: FaceEmbedder,
    private readonly options: Required<PipelineExtractorOptions>,
  ) {}

  static async create(pipeline: PipelineName, options: PipelineExtractorOptions = {}): Promise<PipelineExtractor> {
    if (!PIPELINE_NAMES.includes(pipeline)) throw new Error(`unknown pipeline '${pipeline}' (${PIPELINE_NAMES.join(', ')})`);
    const opts: Required<PipelineExtractorOptions> = {
      faces: options.faces ?? 'detect',
      visualModel: options.visualModel ?? 'expression',
      detectEvery: options.detectEvery ?? 5,
      clipSeconds: options.clipSeconds ?? 3.6,
      clipFrames: options.clipFrames ?? 15,
    };
    const detector = opts.faces === 'detect' ? await FaceDetector.load() : null;
    const embedder = await FaceEmbedder.load(opts.visualModel);
    const face = `${opts.faces === 'detect' ? 'blazeface' : 'centre-crop'}+${opts.visualModel}`;
    const faceConfig = { faces: opts.faces, model: opts.visualModel, detectEvery: opts.detectEvery };
    const logMel = { sampleRate: VGGISH_SR, window: 0.96, melBands: 64 };
    let streams: StreamSpec[];
    if (pipeline === 'maven') {
      streams = [
        { modality: 'visual', extractor: face, dim: embedder.dim, config: faceConfig, standsInFor: 'Swin-B (1024-d)' },
        { modality: 'audio', extractor: 'logmel-mean-std', dim: 128, config: logMel, standsInFor: 'HuBERT-base (768-d)' },
        { modality: 'text', extractor: 'hashed-words', dim: 256, config: { dim: 256, interpolation: 'linear' }, standsInFor: 'ASR + RoBERTa-base (768-d)' },
      ];
    } else if (pipeline === 'tcn-fusion') {
      streams = [
        { modality: 'visual', extractor: face, dim: embedder.dim, config: faceConfig, standsInFor: 'IResNet-50 (512-d)' },
        { modality: 'vggish', extractor: 'logmel-mean-std', dim: 128, config: logMel, standsInFor: 'VGGish (128-d)' },
        { modality: 'logmel', extractor: 'logmel-halves', dim: 128, config: logMel, standsInFor: 'LogMel-VGG (128-d)' },
      ];
    } else {
      const clip = { seconds: opts.clipSeconds, frames: opts.clipFrames };
      streams = [
        { modality: 'video', extractor: face, dim: embedder.dim, config: { ...faceConfig, ...clip }, standsInFor: 'EfficientFace (1024-d, features mode)' },
        { modality: 'audio', extractor: 'mfcc', dim: 10, config: { sampleRate: 22050, coefficients: 10, ...clip } },
      ];
    }
    return new PipelineExtractor(pipeline, streams, detector, embedder, opts);
  }

  /** One line per stream: what it is and what it stands in for. */
  describe(): string[] {
    return this.streams.map((s) => `${s.modality}: ${s.extractor} (${s.dim}-d)${s.standsInFor ? ` — offline default in place of ${s.standsInFor}` : ''}`);
  }

  /** Extracts every stream of one video (or audio-only file: the visual stream is then all masked). */
  async extract(file: string, options: { transcript?: string } = {}): Promise<ExtractedItem> {
    const info = await probe(file, { countFrames: this.pipeline === 'avt-ca' });
    const notes: string[] = [];
    const hasAudio = info.audio.length > 0;
    if (!hasAudio) notes.push('no audio track: audio features are silence, masked');
    if (this.pipeline === 'avt-ca') return this.extractClip(file, info, notes);

    let visual: ExtractedStream;
    let fps: number;
    if (info.video) {
      const track = await extractFaceTrack(file, this.detector, this.embedder, { detectEvery: this.options.detectEvery, info });
      visual = { data: track.features, mask: track.mask, frames: track.frames, dim: track.dim };
      fps = track.fps;
    } else {
      // Audio-only input: one row per 1/25 s, visual masked.
      fps = 25;
      const frames = Math.max(1, Math.round(info.duration * fps));
      visual = { data: new Float32Array(frames * this.embedder.dim), mask: new Uint8Array(frames), frames, dim: this.embedder.dim };
      notes.push('no video stream: visual features masked');
    }
    const frames = visual.frames;
    if (frames === 0) throw new Error(`${file}: no video frames could be decoded`);
    const noFace = frames - visual.mask.reduce((n, m) => n + m, 0);
    if (info.video && noFace > 0) notes.push(`no face in ${noFace}/${frames} frames (masked)`);
    const times = Float64Array.from({ length: frames }, (_, i) => i / fps);
    const streams: Record<string, ExtractedStream> = { visual };

    const spec = await logMelOfFile(file, {}, { missingAudio: 'silence', info });
    const audioMask = new Uint8Array(frames).fill(hasAudio ? 1 : 0);
    const meanStd: ExtractedStream = { data: pooledLogMel(spec, times, 'mean-std'), mask: audioMask, frames, dim: 128 };
    if (this.pipeline === 'tcn-fusion') {
      streams['vggish'] = meanStd;
      streams['logmel'] = { data: pooledLogMel(spec, times, 'halves'), mask: audioMask, frames, dim: 128 };
    } else {
      streams['audio'] = meanStd;
      const encoder = new HashedTextEncoder(256);
      if (options.transcript) {
        const segments = readTranscript(options.transcript);
        const aligned = interpolateToFrames(segments, encoder.encode(segments.map((s) => s.text)), 256, frames, fps, 'linear');
        streams['text'] = { data: aligned.data, mask: aligned.mask, frames, dim: 256 };
        if (segments.length === 0) notes.push('empty transcript: text masked');
      } else {
        streams['text'] = { data: new Float32Array(frames * 256), mask: new Uint8Array(frames), frames, dim: 256 };
        notes.push('no transcript: text features masked');
      }
    }
    return { streams, frames, fps, times, notes };
  }

  private async extractClip(file: string, info: Awaited<ReturnType<typeof probe>>, notes: string[]): Promise<ExtractedItem> {
    const { clipSeconds, clipFrames } = this.options;
    const mfcc = new Mfcc();
    const audio = await decodeAudio(file, { sampleRate: mfcc.config.sampleRate, missingAudio: 'silence', info });
    const samples = centreCropOrPad(audio.samples, Math.round(clipSeconds * mfcc.config.sampleRate));
    const coeffs = await mfcc.compute(samples);
    const audioStream: ExtractedStream = {
      data: coeffs.data,
      mask: new Uint8Array(coeffs.frames).fill(info.audio.length > 0 ? 1 : 0),
      frames: coeffs.frames,
      dim: coeffs.bands,
    };
    const dim = this.embedder.dim;
    let video: ExtractedStream;
    let fps = 0;
    let times: Float64Array;
    if (info.video) {
      fps = info.video.fps;
      const total = info.video.frameCount;
      const indices = clipFrameIndices(total, fps, { frames: clipFrames, seconds: clipSeconds });
      const unique = [...new Set(indices)].sort((a, b) => a - b);
      const track = await extractFaceTrack(file, this.detector, this.embedder, { frameIndices: unique, info });
      const data = new Float32Array(clipFrames * dim);
      const mask = new Uint8Array(clipFrames);
      indices.forEach((fi, r) => {
        const k = track.indices.indexOf(fi);
        data.set(track.features.subarray(k * dim, (k + 1) * dim), r * dim);
        mask[r] = track.mask[k];
      });
      video = { data, mask, frames: clipFrames, dim };
      times = Float64Array.from(indices, (i) => i / fps);
      const noFace = clipFrames - mask.reduce((n, m) => n + m, 0);
      if (noFace > 0) notes.push(`no face in ${noFace}/${clipFrames} sampled frames (masked)`);
    } else {
      video = { data: new Float32Array(clipFrames * dim), mask: new Uint8Array(clipFrames), frames: clipFrames, dim };
      times = Float64Array.from({ length: clipFrames }, (_, i) => ((i + 0.5) * clipSeconds) / clipFrames);
      notes.push('no video stream: video features masked');
    }
    return { streams: { video, audio: audioStream }, frames: clipFrames, fps, times, notes };
  }

  /** Opens (or resumes) the feature stores of every stream under `root`. */
  openStores(root: string): Record<string, FeatureStore> {
    const stores: Record<string, FeatureStore> = {};
    for (const s of this.streams) {
      stores[s.modality] = FeatureStore.open(root, { modality: s.modality, extractor: s.extractor, config: { pipeline: this.pipeline, ...s.config }, dim: s.dim });
    }
    return stores;
  }

  /**
   * Extracts every input into feature stores under `root`, skipping items already complete in all
   * streams (so a stopped run resumes), and carrying on past a broken file (reported with the error).
   */
  async extractAll(inputs: readonly ExtractionInput[], root: string, onItem?: (id: string, index: number, status: 'extracted' | 'skipped' | 'failed') => void): Promise<ExtractionReport> {
    const stores = this.openStores(root);
    const report: ExtractionReport = { extracted: [], skipped: [], failed: [], notes: {} };
    for (const [index, input] of inputs.entries()) {
      if (Object.values(stores).every((s) => s.has(input.id))) {
        report.skipped.push(input.id);
        onItem?.(input.id, index, 'skipped');
        continue;
      }
      try {
        const item = await this.extract(input.file, { transcript: input.transcript });
        for (const [modality, stream] of Object.entries(item.streams)) {
          stores[modality].write(input.id, stream.data, { mask: stream.mask, meta: { file: input.file, fps: item.fps } });
        }
        if (item.notes.length > 0) report.notes[input.id] = item.notes;
        report.extracted.push(input.id);
        onItem?.(input.id, index, 'extracted');
      } catch (e) {
        report.failed.push({ id: input.id, file: input.file, error: (e as Error).message });
        onItem?.(input.id, index, 'failed');
      }
    }
    return report;
  }

  dispose(): void {
    this.detector?.dispose();
    this.embedder.dispose();
  }
}
