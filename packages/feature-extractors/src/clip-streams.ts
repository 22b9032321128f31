import type { MediaInfo } from '@mer/media';
import type { ExtractedItem, ExtractedStream } from './extraction-types';
import type { ClipSpan } from './extractor-registry';
import { FileResources } from './file-resources';
import { audioNotes, FrameContext, splitStreams } from './frame-streams';

/**
 * Every stream of a clip-timed plan: `frames` video frames sampled over the centred `seconds` of the
 * file (the visual extractor's rows; masked where no face), and each other stream's rows of the same
 * span (e.g. the clip's MFCCs, centre-cropped or padded).
 */
export async function extractClip(ctx: FrameContext, file: string, info: MediaInfo, clip: ClipSpan): Promise<ExtractedItem> {
  const notes = audioNotes(info);
  const res = new FileResources(file, info, {}, notes);
  const { visual, others } = splitStreams(ctx);
  const streams: Record<string, ExtractedStream> = {};
  for (const s of others) {
    const rows = await s.extractor!.clip!(res, clip);
    streams[s.spec.name] = { data: rows.data, mask: rows.mask ?? new Uint8Array(rows.frames).fill(res.hasAudio ? 1 : 0), frames: rows.frames, dim: s.spec.dim };
  }
  const grid = () => Float64Array.from({ length: clip.frames }, (_, i) => ((i + 0.5) * clip.seconds) / clip.frames);
  let times: Float64Array = grid();
  if (visual.length > 0 && info.video) {
    const rows = await visual[0].extractor!.clip!(res, clip);
    const mask = rows.mask ?? new Uint8Array(clip.frames).fill(1);
    for (const s of visual) streams[s.spec.name] = { data: rows.data, mask, frames: clip.frames, dim: s.spec.dim, ...(s.spec.values ? { values: s.spec.values } : {}) };
    times = rows.times ?? times;
    const noFace = clip.frames - mask.reduce((n, m) => n + m, 0);
    if (noFace > 0) notes.push(`no face in ${noFace}/${clip.frames} sampled frames (masked)`);
  } else {
    for (const s of visual) streams[s.spec.name] = { data: new Float32Array(clip.frames * s.spec.dim), mask: new Uint8Array(clip.frames), frames: clip.frames, dim: s.spec.dim, ...(s.spec.values ? { values: s.spec.values } : {}) };
    if (!info.video) notes.push('no video stream: video features masked');
  }
  return { streams, frames: clip.frames, fps: info.video?.fps ?? 0, times, notes };
}
