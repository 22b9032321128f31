import { audioStreamChoiceNote, FrameRateTracker, MediaInfo, probe } from '@mer/media';
import { logMelOfFile, RollingLogMel } from './audio-frame-features';
import type { ExtractedItem, ExtractedStream, FrameChunk, ItemSources } from './extraction-types';
import type { FrameRowsRequest, ResolvedOptions, VisualTrack } from './extractor-registry';
import { FileResources } from './file-resources';
import type { ResolvedStream } from './stream-resolution';

/** What extraction works from: the plan's resolved streams (their loaded extractors) and the options. */
export interface FrameContext {
  streams: readonly ResolvedStream[];
  options: ResolvedOptions;
}

export function audioNotes(info: MediaInfo): string[] {
  if (info.audio.length === 0) return ['no audio track: audio features are silence, masked'];
  const choice = audioStreamChoiceNote(info);
  return choice ? [choice] : [];
}

/** The streams whose extractor sets the timeline (visual), and the others (rows at its times); precomputed ones are neither. */
export function splitStreams(ctx: FrameContext): { visual: ResolvedStream[]; others: ResolvedStream[] } {
  const computed = ctx.streams.filter((s) => s.extractor !== null);
  return { visual: computed.filter((s) => s.spec.modality === 'visual'), others: computed.filter((s) => s.spec.modality !== 'visual') };
}

/** Audio-only input (or a plan without a visual stream): one row per 1/25 s over the file. */
function gridTrack(info: MediaInfo): VisualTrack {
  const fps = 25;
  const frames = Math.max(1, Math.round(info.duration * fps));
  return { data: new Float32Array(0), mask: new Uint8Array(frames), frames, fps, times: Float64Array.from({ length: frames }, (_, i) => i / fps) };
}

/** The rows of every non-visual stream at `times` (a mask of 1 where the file has audio unless the extractor gives one). */
async function otherRows(others: readonly ResolvedStream[], request: Omit<FrameRowsRequest, 'logMel'>, logMel: FrameRowsRequest['logMel'], out: Record<string, ExtractedStream>): Promise<void> {
  const frames = request.times.length;
  const audioMask = new Uint8Array(frames).fill(request.file.hasAudio ? 1 : 0);
  for (const s of others) {
    const ext = s.extractor!;
    const rows = await ext.rows!({ ...request, logMel: ext.needs?.logMel ? logMel : null });
    out[s.spec.name] = { data: rows.data, mask: rows.mask ?? audioMask, frames, dim: s.spec.dim };
  }
}

const needsLogMel = (others: readonly ResolvedStream[]) => others.some((s) => s.extractor!.needs?.logMel);

/** Every stream of a frame-timed plan for a whole file, in memory. */
export async function extractFrames(ctx: FrameContext, file: string, info: MediaInfo, options: ItemSources): Promise<ExtractedItem> {
  const notes = audioNotes(info);
  const res = new FileResources(file, info, options, notes);
  const { visual, others } = splitStreams(ctx);
  const track = visual.length > 0 ? await visual[0].extractor!.track!(res) : null;
  const rows = track ?? gridTrack(info);
  let variableRate = false;
  if (track) {
    const rate = new FrameRateTracker(track.fps);
    rate.add(track.times);
    const note = rate.note();
    if (note) notes.push(note);
    variableRate = note !== null;
  } else if (visual.length > 0) notes.push('no video stream: visual features masked');
  const { frames, fps, times } = rows;
  if (frames === 0) throw new Error(`${file}: no video frames could be decoded`);
  const noFace = frames - rows.mask.reduce((n, m) => n + m, 0);
  if (track && noFace > 0) notes.push(`no face in ${noFace}/${frames} frames (masked)`);
  if (options.frames !== undefined && options.frames !== frames) {
    notes.push(
      options.frames > frames
        ? `the annotation has ${options.frames} rows but the video decodes to ${frames} frames: rows ${frames + 1}–${options.frames} have no features (masked)`
        : `the video decodes to ${frames} frames but the annotation has ${options.frames} rows: frames after row ${options.frames} are unused`,
    );
  }
  const streams: Record<string, ExtractedStream> = {};
  for (const s of visual) streams[s.spec.name] = { data: track ? track.data : new Float32Array(frames * s.spec.dim), mask: rows.mask, frames, dim: s.spec.dim };
  for (const s of others) await s.extractor!.prepare?.(res);
  const spec = needsLogMel(others) ? await logMelOfFile(file, {}, { missingAudio: 'silence', info }) : null;
  await otherRows(others, { times, fps, file: res }, spec ? { spec, times } : null, streams);
  return { streams, frames, fps, times, variableRate, faces: track?.faces, notes };
}

/**
 * Streaming extraction of a frame-timed plan: the video is decoded once and each decoded batch's rows
 * of every stream go to `onChunk` as soon as they exist (audio features from a rolling log-mel), so
 * memory does not grow with the video's length. Rows equal {@link extractFrames}'. Without video or a
 * visual stream, or with an extractor that needs the whole file (a hub speech encoder), the file is
 * extracted whole first (not flat).
 */
export async function extractFramesStreamed(
  ctx: FrameContext,
  file: string,
  options: ItemSources,
  onChunk: (chunk: FrameChunk) => Promise<void>,
): Promise<{ frames: number; fps: number; notes: string[] }> {
  const { visual, others } = splitStreams(ctx);
  // Without visual streams only the audio is read: one ffmpeg run gives the facts and the samples.
  const info = await probe(file, { audioOnly: visual.length === 0 });
  if (!info.video || visual.length === 0 || others.some((s) => s.extractor!.needs?.wholeFile)) {
    const item = await extractFrames(ctx, file, info, options);
    await onChunk({ first: 0, count: item.frames, fps: item.fps, times: item.times, faces: item.faces, streams: item.streams });
    return { frames: item.frames, fps: item.fps, notes: item.notes };
  }
  const notes = audioNotes(info);
  const res = new FileResources(file, info, options, notes);
  // Per-file inputs (transcript, the whole file's eGeMAPS descriptors); with a face process they are
  // computed while it starts and decodes.
  const prepared = (async () => {
    for (const s of others) await s.extractor!.prepare?.(res);
    if (others.some((s) => s.extractor!.needs?.llds)) await res.llds();
  })();
  prepared.catch(() => undefined); // awaited below; a failure surfaces there
  if (!ctx.options.faceProcess) await prepared;
  const rolling = needsLogMel(others) ? new RollingLogMel(file, {}, { missingAudio: 'silence', info }) : null;
  let noFace = 0;
  let fps = info.video.fps;
  const rate = new FrameRateTracker(fps);
  try {
    const track = await visual[0].extractor!.track!(res, async (b) => {
      await prepared;
      fps = b.fps;
      noFace += b.frames - b.mask.reduce((n, m) => n + m, 0);
      const times = b.times;
      rate.add(times);
      const streams: Record<string, ExtractedStream> = {};
      for (const s of visual) streams[s.spec.name] = { data: b.data, mask: b.mask, frames: b.frames, dim: s.spec.dim };
      if (rolling) await rolling.ensureUntil(times[b.frames - 1] + 0.6);
      const view = rolling ? rolling.view() : null;
      await otherRows(others, { times, fps: b.fps, file: res }, view ? { spec: view, times: times.map((t) => t - view.startTime) } : null, streams);
      rolling?.trimBefore(times[b.frames - 1] + 1 / b.fps - 0.6);
      await onChunk({ first: b.firstRow, count: b.frames, fps: b.fps, times, faces: b.faces, streams });
    });
    if (!track || track.frames === 0) throw new Error(`${file}: no video frames could be decoded`);
    if (noFace > 0) notes.push(`no face in ${noFace}/${track.frames} frames (masked)`);
    const note = rate.note();
    if (note) notes.push(note);
    return { frames: track.frames, fps, notes };
  } finally {
    await rolling?.close();
  }
}
