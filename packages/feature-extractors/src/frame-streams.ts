import { audioStreamChoiceNote, FrameRateTracker, MediaInfo, probe } from '@mer/media';
import { logMelOfFile, pooledLogMel, RollingLogMel, vggishExamples } from './audio-frame-features';
import { EGEMAPS_LLD_DIM, egemapsOfFile, poolLlds } from './acoustic/acoustic-file';
import type { AcousticLlds } from './acoustic/egemaps-llds';
import { extractCropTrack } from './crop-track-extractor';
import type { ExtractedItem, ExtractedStream, FrameChunk, ItemSources } from './extraction-types';
import { extractFaceTrack, FaceRows, FaceTrackOptions } from './face-track-extractor';
import { RemoteFaceDetections, TWO_PROCESS_MIN_SECONDS } from './face-track-process';
import type { Spectrogram } from './log-mel-spectrogram';
import type { ResolvedOptions, ResolvedStream, StreamEncoders } from './stream-encoders';
import { interpolateToTimes, readTranscript, TranscriptSegment } from './transcript';

/** What frame-timed extraction works from: the plan's resolved streams and their loaded encoders. */
export interface FrameContext {
  streams: readonly ResolvedStream[];
  encoders: StreamEncoders;
  options: ResolvedOptions;
}

type Text = { segments: TranscriptSegment[]; vectors: Float32Array } | null;

export function audioNotes(info: MediaInfo): string[] {
  if (info.audio.length === 0) return ['no audio track: audio features are silence, masked'];
  const choice = audioStreamChoiceNote(info);
  return choice ? [choice] : [];
}

const LOG_MEL_KINDS = new Set(['logmel-mean-std', 'logmel-halves', 'vggish', 'logmel-mean-std+egemaps']);
const EGEMAPS_KINDS = new Set(['egemaps', 'logmel-mean-std+egemaps']);

/** The file's eGeMAPS descriptors when a stream needs them and it has audio. */
async function acousticLlds(ctx: FrameContext, file: string, info: MediaInfo): Promise<AcousticLlds | null> {
  return ctx.streams.some((s) => EGEMAPS_KINDS.has(s.kind)) && info.audio.length > 0 ? egemapsOfFile(file, info) : null;
}

/** Every stream of a frame-timed plan for a whole file, in memory. */
export async function extractFrames(ctx: FrameContext, file: string, info: MediaInfo, options: ItemSources): Promise<ExtractedItem> {
  const notes = audioNotes(info);
  const hasAudio = info.audio.length > 0;
  const dim = ctx.encoders.embedder.dim;
  let visual: ExtractedStream;
  let fps: number;
  let times: Float64Array;
  let variableRate = false;
  let faces: FaceRows | undefined;
  if (info.video) {
    const track = await faceTrack(ctx, file, info, options, notes);
    visual = { data: track.features, mask: track.mask, frames: track.frames, dim: track.dim };
    fps = track.fps;
    times = track.times;
    faces = track.faces;
    const rate = new FrameRateTracker(fps);
    rate.add(times);
    const note = rate.note();
    if (note) notes.push(note);
    variableRate = note !== null;
  } else {
    // Audio-only input: one row per 1/25 s, visual masked.
    fps = 25;
    const frames = Math.max(1, Math.round(info.duration * fps));
    visual = { data: new Float32Array(frames * dim), mask: new Uint8Array(frames), frames, dim };
    times = Float64Array.from({ length: frames }, (_, i) => i / fps);
    if (ctx.streams.some((s) => s.kind === 'face')) notes.push('no video stream: visual features masked');
  }
  const frames = visual.frames;
  if (frames === 0) throw new Error(`${file}: no video frames could be decoded`);
  const noFace = frames - visual.mask.reduce((n, m) => n + m, 0);
  if (info.video && noFace > 0) notes.push(`no face in ${noFace}/${frames} frames (masked)`);
  if (options.frames !== undefined && options.frames !== frames) {
    notes.push(
      options.frames > frames
        ? `the annotation has ${options.frames} rows but the video decodes to ${frames} frames: rows ${frames + 1}–${options.frames} have no features (masked)`
        : `the video decodes to ${frames} frames but the annotation has ${options.frames} rows: frames after row ${options.frames} are unused`,
    );
  }
  const streams: Record<string, ExtractedStream> = {};
  for (const s of ctx.streams) if (s.kind === 'face') streams[s.spec.name] = visual;

  const hubAudio = ctx.encoders.audio;
  for (const s of ctx.streams.filter((x) => x.kind === 'hub-audio')) {
    const data = hasAudio ? (await hubAudio!.encodeFile(file, times, fps, { info })).data : new Float32Array(frames * s.spec.dim);
    streams[s.spec.name] = { data, mask: new Uint8Array(frames).fill(hasAudio ? 1 : 0), frames, dim: s.spec.dim };
  }
  const llds = await acousticLlds(ctx, file, info);
  const spec = ctx.streams.some((s) => LOG_MEL_KINDS.has(s.kind)) ? await logMelOfFile(file, {}, { missingAudio: 'silence', info }) : null;
  Object.assign(streams, await audioStreams(ctx, spec, times, times, llds, fps, hasAudio));
  const text = await textFor(ctx, file, options, hasAudio, notes);
  Object.assign(streams, textStreams(ctx, text, times));
  return { streams, frames, fps, times, variableRate, faces, notes };
}

/**
 * Streaming extraction of a frame-timed plan: the video is decoded once and each decoded batch's rows
 * of every stream go to `onChunk` as soon as they exist (audio features from a rolling log-mel), so
 * memory does not grow with the video's length. Rows equal {@link extractFrames}'. With a hub speech
 * encoder, or without video, the file is extracted whole first (not flat).
 */
export async function extractFramesStreamed(
  ctx: FrameContext,
  file: string,
  options: ItemSources,
  onChunk: (chunk: FrameChunk) => Promise<void>,
): Promise<{ frames: number; fps: number; notes: string[] }> {
  const info = await probe(file);
  if (!info.video || ctx.encoders.audio) {
    const item = await extractFrames(ctx, file, info, options);
    await onChunk({ first: 0, count: item.frames, fps: item.fps, times: item.times, faces: item.faces, streams: item.streams });
    return { frames: item.frames, fps: item.fps, notes: item.notes };
  }
  const notes = audioNotes(info);
  const hasAudio = info.audio.length > 0;
  const text = await textFor(ctx, file, options, hasAudio, notes);
  const needLogMel = ctx.streams.some((s) => LOG_MEL_KINDS.has(s.kind));
  // The whole file's eGeMAPS descriptors; with a face process they are computed while it starts and decodes.
  const lldsReady = acousticLlds(ctx, file, info);
  lldsReady.catch(() => undefined); // awaited below; a failure surfaces there
  if (!ctx.options.faceProcess) await lldsReady;
  const rolling = needLogMel ? new RollingLogMel(file, {}, { missingAudio: 'silence', info }) : null;
  const dim = ctx.encoders.embedder.dim;
  let noFace = 0;
  let fps = info.video.fps;
  const rate = new FrameRateTracker(fps);
  let remote: RemoteFaceDetections | null = null;
  try {
    const onBatch = async (b: Parameters<NonNullable<FaceTrackOptions['onBatch']>>[0]) => {
      const llds = await lldsReady;
      fps = b.fps;
      noFace += b.count - b.mask.reduce((n, m) => n + m, 0);
      const times = b.times;
      rate.add(times);
      const streams: Record<string, ExtractedStream> = {};
      for (const s of ctx.streams) if (s.kind === 'face') streams[s.spec.name] = { data: b.features, mask: b.mask, frames: b.count, dim };
      if (rolling) await rolling.ensureUntil(times[b.count - 1] + 0.6);
      const view = rolling ? rolling.view() : null;
      Object.assign(streams, await audioStreams(ctx, view, view ? times.map((t) => t - view.startTime) : times, times, llds, b.fps, hasAudio));
      rolling?.trimBefore(times[b.count - 1] + 1 / b.fps - 0.6);
      Object.assign(streams, textStreams(ctx, text, times));
      await onChunk({ first: b.firstRow, count: b.count, fps: b.fps, times, faces: b.faces, streams });
    };
    // Two cores for one video: BlazeFace runs in a second process (decoding the video itself) ahead of
    // this one, which crops, embeds, computes audio and hands the rows to the caller's fusion.
    const select = options.person ?? ctx.options.face;
    const largest = (select ?? 'main') === 'main' || select === 'largest';
    remote = ctx.options.faceProcess && ctx.encoders.detector && info.duration >= TWO_PROCESS_MIN_SECONDS ? new RemoteFaceDetections(file, { detectEvery: ctx.options.detectEvery, largest }) : null;
    const track = await extractFaceTrack(file, remote ?? ctx.encoders.detector, ctx.encoders.embedder, { detectEvery: ctx.options.detectEvery, info, select, onBatch });
    if (track.frames === 0) throw new Error(`${file}: no video frames could be decoded`);
    if (noFace > 0) notes.push(`no face in ${noFace}/${track.frames} frames (masked)`);
    const note = rate.note();
    if (note) notes.push(note);
    return { frames: track.frames, fps, notes };
  } finally {
    remote?.close();
    await rolling?.close();
  }
}

/** The visual rows of a whole file: the dataset's aligned crops when asked for and present, else faces found in the video. */
async function faceTrack(ctx: FrameContext, file: string, info: MediaInfo, options: ItemSources, notes: string[]) {
  const e = ctx.encoders;
  if (ctx.options.faces === 'cropped-aligned') {
    if (options.faceCrops) {
      const rows = options.frames ?? (await probe(file, { countFrames: true })).video!.frameCount;
      notes.push(`faces: the dataset's aligned crops in ${options.faceCrops}`);
      return extractCropTrack(options.faceCrops, rows, e.embedder, { fps: info.video!.fps });
    }
    notes.push('faces: no aligned crops for this item; detected in the video');
  }
  return extractFaceTrack(file, e.detector, e.embedder, { detectEvery: ctx.options.detectEvery, info, select: options.person ?? ctx.options.face });
}

/** Transcript segments (from the transcript file, else ASR) and their vectors, for plans with a text stream; notes say which. */
async function textFor(ctx: FrameContext, file: string, options: ItemSources, hasAudio: boolean, notes: string[]): Promise<Text> {
  const encoder = ctx.encoders.text;
  if (!encoder) return null;
  let segments: TranscriptSegment[] | null = options.transcript ? readTranscript(options.transcript) : null;
  if (!segments && ctx.encoders.asr && hasAudio) {
    segments = await ctx.encoders.asr.transcribe(file);
    notes.push(`transcribed with ${ctx.encoders.asr.id}: ${segments.length} segments`);
  }
  if (!segments) {
    notes.push('no transcript: text features masked');
    return null;
  }
  if (segments.length === 0) notes.push('empty transcript: text masked');
  return { segments, vectors: await encoder.encode(segments.map((seg) => seg.text)) };
}

/** Text streams of frames at `times` (MAVEN eq. 12), or zeros + mask 0. */
function textStreams(ctx: FrameContext, text: Text, times: Float64Array): Record<string, ExtractedStream> {
  const count = times.length;
  const out: Record<string, ExtractedStream> = {};
  for (const s of ctx.streams.filter((x) => x.kind === 'hashed-words' || x.kind === 'hub-text')) {
    const dim = s.spec.dim;
    if (!text) {
      out[s.spec.name] = { data: new Float32Array(count * dim), mask: new Uint8Array(count), frames: count, dim };
      continue;
    }
    const aligned = interpolateToTimes(text.segments, text.vectors, dim, times, 'linear');
    out[s.spec.name] = { data: aligned.data, mask: aligned.mask, frames: count, dim };
  }
  return out;
}

/**
 * The audio streams of rows at `times` (seconds; `specTimes` the same relative to `spec`'s first
 * frame): log-mel poolings, VGGish, eGeMAPS descriptors pooled per frame, or both side by side.
 */
async function audioStreams(ctx: FrameContext, spec: Spectrogram | null, specTimes: ArrayLike<number>, times: ArrayLike<number>, llds: AcousticLlds | null, fps: number, hasAudio: boolean): Promise<Record<string, ExtractedStream>> {
  const frames = times.length;
  const mask = new Uint8Array(frames).fill(hasAudio ? 1 : 0);
  const out: Record<string, ExtractedStream> = {};
  const acoustic = () => (llds ? poolLlds(llds, times, fps) : new Float32Array(frames * EGEMAPS_LLD_DIM));
  for (const s of ctx.streams) {
    const put = (data: Float32Array) => (out[s.spec.name] = { data, mask, frames, dim: s.spec.dim });
    if (s.kind === 'logmel-mean-std') put(pooledLogMel(spec!, specTimes, 'mean-std'));
    else if (s.kind === 'logmel-halves') put(pooledLogMel(spec!, specTimes, 'halves'));
    else if (s.kind === 'vggish') put(await vggishStream(ctx, spec!, specTimes));
    else if (s.kind === 'egemaps') put(acoustic());
    else if (s.kind === 'logmel-mean-std+egemaps') put(sideBySide(pooledLogMel(spec!, specTimes, 'mean-std'), acoustic(), frames));
  }
  return out;
}

/** Rows of `a` and `b` concatenated: [T, Da] ⊕ [T, Db] → [T, Da + Db]. */
function sideBySide(a: Float32Array, b: Float32Array, frames: number): Float32Array {
  const da = a.length / frames;
  const db = b.length / frames;
  const out = new Float32Array(frames * (da + db));
  for (let t = 0; t < frames; t++) {
    out.set(a.subarray(t * da, (t + 1) * da), t * (da + db));
    out.set(b.subarray(t * db, (t + 1) * db), t * (da + db) + da);
  }
  return out;
}

/** VGGish embeddings of the 96×64 patch centred on each frame, 64 patches at a time. */
async function vggishStream(ctx: FrameContext, spec: Spectrogram, times: ArrayLike<number>): Promise<Float32Array> {
  const net = ctx.encoders.vggish!;
  const out = new Float32Array(times.length * net.dim);
  for (let i = 0; i < times.length; i += 64) {
    const part = Array.from({ length: Math.min(64, times.length - i) }, (_, k) => times[i + k]);
    const emb = net.embed(vggishExamples(spec, part));
    out.set(await emb.data(), i * net.dim);
    emb.dispose();
  }
  return out;
}
