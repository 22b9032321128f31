import { centreCropOrPad, clipFrameIndices } from '@mer/datasets';
import { decodeAudio, MediaInfo } from '@mer/media';
import type { ExtractedItem, ExtractedStream } from './extraction-types';
import { extractFaceTrack } from './face-track-extractor';
import { audioNotes, FrameContext } from './frame-streams';
import { decodeBoth } from './acoustic/acoustic-file';
import { egemapsFunctionals } from './acoustic/egemaps-functionals';
import { egemapsLlds } from './acoustic/egemaps-llds';
import { Mfcc } from './log-mel-spectrogram';

/**
 * Every stream of a clip-timed plan: `frames` video frames sampled over the centred `seconds` of the
 * file (face embeddings; masked where no face), and the clip's MFCCs (centre-cropped or padded).
 */
export async function extractClip(ctx: FrameContext, file: string, info: MediaInfo, clip: { seconds: number; frames: number }): Promise<ExtractedItem> {
  const notes = audioNotes(info);
  const { seconds: clipSeconds, frames: clipFrames } = clip;
  const streams: Record<string, ExtractedStream> = {};
  const mfccStreams = ctx.streams.filter((s) => s.kind === 'mfcc');
  if (mfccStreams.length > 0) {
    const mfcc = new Mfcc();
    const audio = await decodeAudio(file, { sampleRate: mfcc.config.sampleRate, missingAudio: 'silence', info });
    const samples = centreCropOrPad(audio.samples, Math.round(clipSeconds * mfcc.config.sampleRate));
    const coeffs = await mfcc.compute(samples);
    const stream: ExtractedStream = { data: coeffs.data, mask: new Uint8Array(coeffs.frames).fill(info.audio.length > 0 ? 1 : 0), frames: coeffs.frames, dim: coeffs.bands };
    for (const s of mfccStreams) streams[s.spec.name] = stream;
  }
  const acoustic = ctx.streams.filter((s) => s.kind === 'egemaps' || s.kind === 'egemaps-functionals');
  if (acoustic.length > 0) {
    // The centred clip at both rates (ffmpeg resamples, as for whole files).
    const [x16, x11] = await decodeBoth(file, info);
    const llds = egemapsLlds(centreCropOrPad(x16, Math.round(clipSeconds * 16000)), centreCropOrPad(x11, Math.round(clipSeconds * 11000)));
    const has = info.audio.length > 0 ? 1 : 0;
    for (const s of acoustic) {
      if (s.kind === 'egemaps') {
        streams[s.spec.name] = { data: llds.data, mask: new Uint8Array(llds.frames).fill(has), frames: llds.frames, dim: s.spec.dim };
      } else {
        streams[s.spec.name] = { data: egemapsFunctionals(llds).values, mask: Uint8Array.of(has), frames: 1, dim: s.spec.dim };
      }
    }
  }
  const dim = ctx.encoders.embedder.dim;
  let video: ExtractedStream;
  let fps = 0;
  let times: Float64Array;
  if (info.video) {
    fps = info.video.fps;
    const indices = clipFrameIndices(info.video.frameCount, fps, { frames: clipFrames, seconds: clipSeconds });
    const unique = [...new Set(indices)].sort((a, b) => a - b);
    const track = await extractFaceTrack(file, ctx.encoders.detector, ctx.encoders.embedder, { frameIndices: unique, info });
    const data = new Float32Array(clipFrames * dim);
    const mask = new Uint8Array(clipFrames);
    indices.forEach((fi, r) => {
      const k = track.indices.indexOf(fi);
      data.set(track.features.subarray(k * dim, (k + 1) * dim), r * dim);
      mask[r] = track.mask[k];
    });
    video = { data, mask, frames: clipFrames, dim };
    times = Float64Array.from(indices, (fi) => track.times[track.indices.indexOf(fi)]);
    const noFace = clipFrames - mask.reduce((n, m) => n + m, 0);
    if (noFace > 0) notes.push(`no face in ${noFace}/${clipFrames} sampled frames (masked)`);
  } else {
    video = { data: new Float32Array(clipFrames * dim), mask: new Uint8Array(clipFrames), frames: clipFrames, dim };
    times = Float64Array.from({ length: clipFrames }, (_, i) => ((i + 0.5) * clipSeconds) / clipFrames);
    notes.push('no video stream: video features masked');
  }
  for (const s of ctx.streams) if (s.kind === 'face') streams[s.spec.name] = video;
  return { streams, frames: clipFrames, fps, times, notes };
}
