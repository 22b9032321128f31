import * as path from 'node:path';
import { centreCropOrPad, clipFrameIndices, FeatureStore } from '@mer/datasets';
import { decodeAudio, MediaInfo, probe } from '@mer/media';
import { logMelOfFile, pooledLogMel, RollingLogMel, vggishExamples } from './audio-frame-features';
import { FaceDetector } from './face-detector';
import { FaceEmbedder, FaceEmbedderModel } from './face-embedder';
import { extractFaceTrack, FrameEmbedder } from './face-track-extractor';
import { HashedTextEncoder } from './hashed-text-encoder';
import { HubAudioEncoder, HubImageEncoder, HubOptions, HubTextEncoder } from './hub-encoders';
import { SpeechTranscriber } from './speech-transcriber';
import { VggishNetwork } from './vggish-network';
import { Mfcc, Spectrogram } from './log-mel-spectrogram';
import { interpolateToFrames, readTranscript, TranscriptSegment } from './transcript';

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
  /**
   * A transformers.js image model (hub id or local folder) in place of the shipped face encoder,
   * e.g. 'microsoft/swin-base-patch4-window7-224' (MAVEN) or an IResNet-50 export (TCN-fusion).
   */
  visualEncoder?: string;
  /** MAVEN: a transformers.js speech model in place of pooled log-mel, e.g. 'facebook/hubert-base-ls960'. */
  audioEncoder?: string;
  /** MAVEN: a transformers.js text model in place of hashed words, e.g. 'FacebookAI/roberta-base'. */
  textEncoder?: string;
  /** TCN-fusion: a converted VGGish folder (see VggishNetwork) for the VGGish stream instead of pooled log-mel. */
  vggishWeights?: string;
  /** MAVEN: a transformers.js ASR model (Whisper) transcribing items that come without a transcript. */
  asrModel?: string;
  /** Where hub models come from (offline by default). */
  hub?: HubOptions;
}

type Embedder = FrameEmbedder & { dispose(): void };

interface Encoders {
  embedder: Embedder;
  audio: HubAudioEncoder | null;
  text: HubTextEncoder | HashedTextEncoder;
  asr: SpeechTranscriber | null;
  vggish: VggishNetwork | null;
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

function audioNotes(info: MediaInfo): string[] {
  return info.audio.length > 0 ? [] : ['no audio track: audio features are silence, masked'];
}

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
    private readonly encoders: Encoders,
    private readonly options: PipelineExtractorOptions & Required<Pick<PipelineExtractorOptions, 'faces' | 'visualModel' | 'detectEvery' | 'clipSeconds' | 'clipFrames'>>,
  ) {}

  private get embedder(): Embedder {
    return this.encoders.embedder;
  }

  static async create(pipeline: PipelineName, options: PipelineExtractorOptions = {}): Promise<PipelineExtractor> {
    if (!PIPELINE_NAMES.includes(pipeline)) throw new Error(`unknown pipeline '${pipeline}' (${PIPELINE_NAMES.join(', ')})`);
    const opts = {
      ...options,
      faces: options.faces ?? 'detect',
      visualModel: options.visualModel ?? 'expression',
      detectEvery: options.detectEvery ?? 5,
      clipSeconds: options.clipSeconds ?? 3.6,
      clipFrames: options.clipFrames ?? 15,
    };
    const hub = options.hub ?? {};
    const detector = opts.faces === 'detect' ? await FaceDetector.load() : null;
    const embedder: Embedder = opts.visualEncoder ? await HubImageEncoder.fromPretrained(opts.visualEncoder, hub) : await FaceEmbedder.load(opts.visualModel);
    const visualName = opts.visualEncoder ? `hub:${opts.visualEncoder}` : opts.visualModel;
    const face = `${opts.faces === 'detect' ? 'blazeface' : 'centre-crop'}+${visualName}`;
    const faceConfig = { faces: opts.faces, model: visualName, detectEvery: opts.detectEvery };
    const audio = pipeline === 'maven' && opts.audioEncoder ? await HubAudioEncoder.fromPretrained(opts.audioEncoder, hub) : null;
    const text = pipeline === 'maven' && opts.textEncoder ? await HubTextEncoder.fromPretrained(opts.textEncoder, hub) : new HashedTextEncoder(256);
    let audioDim = 128;
    if (audio) {
      const probe = await audio.encode(new Float32Array(audio.sampleRate));
      audioDim = probe.shape[1];
      probe.dispose();
    }
    const visualStandIn = (paper: string) => (opts.visualEncoder ? undefined : paper);
    const logMel = { sampleRate: VGGISH_SR, window: 0.96, melBands: 64 };
    let streams: StreamSpec[];
    let vggishNet: VggishNetwork | null = null;
    if (pipeline === 'maven') {
      streams = [
        { modality: 'visual', extractor: face, dim: embedder.dim, config: faceConfig, standsInFor: visualStandIn('Swin-B (1024-d)') },
        audio
          ? { modality: 'audio', extractor: `hub:${opts.audioEncoder}`, dim: audioDim, config: { sampleRate: audio.sampleRate, pooling: 'frame-span-mean' } }
          : { modality: 'audio', extractor: 'logmel-mean-std', dim: 128, config: logMel, standsInFor: 'HuBERT-base (768-d)' },
        text instanceof HubTextEncoder
          ? { modality: 'text', extractor: `hub:${opts.textEncoder}`, dim: text.dim, config: { pooling: 'attention-masked-mean', interpolation: 'linear' }, standsInFor: 'ASR (transcripts are given)' }
          : { modality: 'text', extractor: 'hashed-words', dim: 256, config: { dim: 256, interpolation: 'linear' }, standsInFor: 'ASR + RoBERTa-base (768-d)' },
      ];
    } else if (pipeline === 'tcn-fusion') {
      const vggish = opts.vggishWeights ? VggishNetwork.load(opts.vggishWeights) : null;
      vggishNet = vggish;
      streams = [
        { modality: 'visual', extractor: face, dim: embedder.dim, config: faceConfig, standsInFor: visualStandIn('IResNet-50 (512-d)') },
        vggish
          ? { modality: 'vggish', extractor: `vggish:${path.resolve(opts.vggishWeights!)}`, dim: vggish.dim, config: { ...logMel, patch: '96x64 centred' } }
          : { modality: 'vggish', extractor: 'logmel-mean-std', dim: 128, config: logMel, standsInFor: 'VGGish (128-d)' },
        { modality: 'logmel', extractor: 'logmel-halves', dim: 128, config: logMel, standsInFor: 'LogMel-VGG (128-d)' },
      ];
    } else {
      const clip = { seconds: opts.clipSeconds, frames: opts.clipFrames };
      streams = [
        { modality: 'video', extractor: face, dim: embedder.dim, config: { ...faceConfig, ...clip }, standsInFor: visualStandIn('EfficientFace (1024-d, features mode)') },
        { modality: 'audio', extractor: 'mfcc', dim: 10, config: { sampleRate: 22050, coefficients: 10, ...clip } },
      ];
    }
    const asr = pipeline === 'maven' && opts.asrModel ? await SpeechTranscriber.fromPretrained(opts.asrModel, hub) : null;
    return new PipelineExtractor(pipeline, streams, detector, { embedder, audio, text, asr, vggish: vggishNet }, opts);
  }

  /** One line per stream: what it is and what it stands in for. */
  describe(): string[] {
    return this.streams.map((s) => `${s.modality}: ${s.extractor} (${s.dim}-d)${s.standsInFor ? ` — offline default in place of ${s.standsInFor}` : ''}`);
  }

  /** Extracts every stream of one video (or audio-only file: the visual stream is then all masked). */
  async extract(file: string, options: { transcript?: string } = {}): Promise<ExtractedItem> {
    const info = await probe(file, { countFrames: this.pipeline === 'avt-ca' });
    return this.pipeline === 'avt-ca' ? this.extractClip(file, info, audioNotes(info)) : this.extractFrames(file, info, options);
  }

  /** The frame-level pipelines' streams of a whole file, in memory. */
  private async extractFrames(file: string, info: MediaInfo, options: { transcript?: string }): Promise<ExtractedItem> {
    const notes = audioNotes(info);
    const hasAudio = info.audio.length > 0;
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

    const hubAudio = this.encoders.audio;
    if (hubAudio) {
      const dim = this.streams.find((st) => st.modality === 'audio')!.dim;
      const data = hasAudio ? (await hubAudio.encodeFile(file, frames, fps, { info })).data : new Float32Array(frames * dim);
      streams['audio'] = { data, mask: new Uint8Array(frames).fill(hasAudio ? 1 : 0), frames, dim };
    } else {
      const spec = await logMelOfFile(file, {}, { missingAudio: 'silence', info });
      Object.assign(streams, await this.logMelStreams(spec, times, hasAudio));
    }
    const text = await this.textFor(file, options, hasAudio, notes);
    if (this.pipeline === 'maven') streams['text'] = this.textStream(text, frames, 0, fps);
    return { streams, frames, fps, times, notes };
  }

  /**
   * Streaming extraction of a frame-level pipeline's streams: the video is decoded once and each
   * decoded batch's rows of every stream are handed to `onChunk` as soon as they exist (audio
   * features from a rolling log-mel), so memory does not grow with the video's length. Rows equal
   * `extract`'s. With a hub speech encoder the audio is encoded per file first (not flat).
   */
  async extractStream(
    file: string,
    options: { transcript?: string },
    onChunk: (chunk: { first: number; count: number; fps: number; streams: Record<string, ExtractedStream> }) => Promise<void>,
  ): Promise<{ frames: number; fps: number; notes: string[] }> {
    if (this.pipeline === 'avt-ca') throw new Error('extractStream: avt-ca works on clips; use extract()');
    const info = await probe(file);
    if (!info.video || this.encoders.audio) {
      const item = await this.extractFrames(file, info, options);
      await onChunk({ first: 0, count: item.frames, fps: item.fps, streams: item.streams });
      return { frames: item.frames, fps: item.fps, notes: item.notes };
    }
    const notes = audioNotes(info);
    const hasAudio = info.audio.length > 0;
    const text = await this.textFor(file, options, hasAudio, notes);
    const rolling = new RollingLogMel(file, {}, { missingAudio: 'silence', info });
    let noFace = 0;
    let fps = info.video.fps;
    try {
      const track = await extractFaceTrack(file, this.detector, this.embedder, {
        detectEvery: this.options.detectEvery,
        info,
        onBatch: async (b) => {
          fps = b.fps;
          noFace += b.count - b.mask.reduce((n, m) => n + m, 0);
          const times = Float64Array.from({ length: b.count }, (_, i) => (b.firstRow + i) / b.fps);
          await rolling.ensureUntil(times[b.count - 1] + 0.6);
          const view = rolling.view();
          const rel = times.map((t) => t - view.startTime);
          const streams: Record<string, ExtractedStream> = {
            visual: { data: b.features, mask: b.mask, frames: b.count, dim: this.embedder.dim },
            ...(await this.logMelStreams(view, rel, hasAudio)),
          };
          if (this.pipeline === 'maven') streams['text'] = this.textStream(text, b.count, b.firstRow, b.fps);
          rolling.trimBefore((b.firstRow + b.count) / b.fps - 0.6);
          await onChunk({ first: b.firstRow, count: b.count, fps: b.fps, streams });
        },
      });
      if (track.frames === 0) throw new Error(`${file}: no video frames could be decoded`);
      if (noFace > 0) notes.push(`no face in ${noFace}/${track.frames} frames (masked)`);
      return { frames: track.frames, fps, notes };
    } finally {
      await rolling.close();
    }
  }

  /** MAVEN's transcript segments (from the transcript file, else ASR) and their vectors; notes say which. */
  private async textFor(file: string, options: { transcript?: string }, hasAudio: boolean, notes: string[]): Promise<{ segments: TranscriptSegment[]; vectors: Float32Array } | null> {
    if (this.pipeline !== 'maven') return null;
    let segments: TranscriptSegment[] | null = options.transcript ? readTranscript(options.transcript) : null;
    if (!segments && this.encoders.asr && hasAudio) {
      segments = await this.encoders.asr.transcribe(file);
      notes.push(`transcribed with ${this.encoders.asr.id}: ${segments.length} segments`);
    }
    if (!segments) {
      notes.push('no transcript: text features masked');
      return null;
    }
    if (segments.length === 0) notes.push('empty transcript: text masked');
    return { segments, vectors: await this.encoders.text.encode(segments.map((seg) => seg.text)) };
  }

  /** The text stream of frames `firstRow … firstRow + count − 1` (MAVEN eq. 12), or zeros + mask 0. */
  private textStream(text: { segments: TranscriptSegment[]; vectors: Float32Array } | null, count: number, firstRow: number, fps: number): ExtractedStream {
    const dim = this.encoders.text.dim;
    if (!text) return { data: new Float32Array(count * dim), mask: new Uint8Array(count), frames: count, dim };
    const aligned = interpolateToFrames(text.segments, text.vectors, dim, count, fps, 'linear', firstRow);
    return { data: aligned.data, mask: aligned.mask, frames: count, dim };
  }

  /**
   * The log-mel based audio streams for rows at `times` (seconds from `spec`'s first frame): MAVEN's
   * pooled audio, or TCN-fusion's VGGish (network or pooled) and LogMel streams.
   */
  private async logMelStreams(spec: Spectrogram, times: ArrayLike<number>, hasAudio: boolean): Promise<Record<string, ExtractedStream>> {
    const frames = times.length;
    const mask = new Uint8Array(frames).fill(hasAudio ? 1 : 0);
    const meanStd: ExtractedStream = { data: pooledLogMel(spec, times, 'mean-std'), mask, frames, dim: 128 };
    if (this.pipeline !== 'tcn-fusion') return { audio: meanStd };
    const vggish = this.encoders.vggish ? { data: await this.vggishStream(spec, times), mask, frames, dim: this.encoders.vggish.dim } : meanStd;
    return { vggish, logmel: { data: pooledLogMel(spec, times, 'halves'), mask, frames, dim: 128 } };
  }

  /** VGGish embeddings of the 96×64 patch centred on each frame, 64 patches at a time. */
  private async vggishStream(spec: Spectrogram, times: ArrayLike<number>): Promise<Float32Array> {
    const net = this.encoders.vggish!;
    const out = new Float32Array(times.length * net.dim);
    for (let i = 0; i < times.length; i += 64) {
      const part = Array.from({ length: Math.min(64, times.length - i) }, (_, k) => times[i + k]);
      const emb = net.embed(vggishExamples(spec, part));
      out.set(await emb.data(), i * net.dim);
      emb.dispose();
    }
    return out;
  }

  private async extractClip(file: string, info: MediaInfo, notes: string[]): Promise<ExtractedItem> {
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
    this.encoders.audio?.dispose();
    if (this.encoders.text instanceof HubTextEncoder) this.encoders.text.dispose();
    this.encoders.vggish?.dispose();
  }
}
