import * as fs from 'node:fs';

/** One timed piece of speech. */
export interface TranscriptSegment {
  /** Seconds. */
  start: number;
  end: number;
  text: string;
}

function clock(value: string): number | null {
  // hh:mm:ss,mmm | hh:mm:ss.mmm | mm:ss.mmm
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{1,2})[.,](\d{1,3})$/.exec(value.trim());
  if (!m) return null;
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4].padEnd(3, '0')) / 1000;
}

function check(segment: TranscriptSegment, source: string, line: number): TranscriptSegment {
  if (!(segment.end >= segment.start) || segment.start < 0) {
    throw new Error(`${source}:${line}: segment ends (${segment.end}s) before it starts (${segment.start}s)`);
  }
  return segment;
}

/**
 * Parses a transcript: bracket lines (`[12.34s - 15.67s] text`, the format MAVEN's ASR step writes),
 * SubRip (`.srt`) or WebVTT (`WEBVTT` header). Blank lines are ignored; anything else that is not a
 * cue is an error naming the source and line.
 * @param source a file name for messages
 */
export function parseTranscript(text: string, source = 'transcript'): TranscriptSegment[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const segments: TranscriptSegment[] = [];
  const bracket = /^\[\s*([\d.]+)\s*s?\s*-\s*([\d.]+)\s*s?\s*\]\s*(.*)$/;
  const arrow = /^(\S+)\s*-->\s*(\S+)/;
  const isVtt = lines[0]?.trim().startsWith('WEBVTT') ?? false;
  let i = isVtt ? 1 : 0;
  while (i < lines.length) {
    const line = lines[i].trim();
    if (line === '') {
      i++;
      continue;
    }
    const b = bracket.exec(line);
    if (b) {
      segments.push(check({ start: Number(b[1]), end: Number(b[2]), text: b[3].trim() }, source, i + 1));
      i++;
      continue;
    }
    if (isVtt && /^(NOTE|STYLE|REGION)\b/.test(line)) {
      while (i < lines.length && lines[i].trim() !== '') i++;
      continue;
    }
    // A cue: optional id line, then the timing line, then text lines up to a blank line.
    let timing = arrow.exec(line);
    let at = i;
    if (!timing && i + 1 < lines.length) {
      timing = arrow.exec(lines[i + 1].trim());
      at = i + 1;
    }
    if (!timing) throw new Error(`${source}:${i + 1}: not a transcript line ('[start s - end s] text', SRT or WebVTT cue): '${line.slice(0, 60)}'`);
    const start = clock(timing[1]);
    const end = clock(timing[2]);
    if (start === null || end === null) throw new Error(`${source}:${at + 1}: unreadable cue times '${lines[at].trim()}'`);
    const body: string[] = [];
    i = at + 1;
    while (i < lines.length && lines[i].trim() !== '') body.push(lines[i++].trim());
    segments.push(check({ start, end, text: body.join(' ').replace(/<[^>]+>/g, '') }, source, at + 1));
  }
  return segments.sort((a, b) => a.start - b.start);
}

/** Reads and parses a transcript file (see {@link parseTranscript}). */
export function readTranscript(file: string): TranscriptSegment[] {
  if (!fs.existsSync(file)) throw new Error(`${file}: transcript file not found`);
  return parseTranscript(fs.readFileSync(file, 'utf8'), file);
}

/** Segment embeddings placed on video-frame times. */
export interface FrameAlignedText {
  /** [T, D] row-major; zeros where nobody speaks. */
  data: Float32Array;
  /** [T]: 1 inside a speech segment. */
  mask: Uint8Array;
  dim: number;
}

/**
 * MAVEN eq. 12, TemporalInterpolate: segment-level text embeddings `[S, D]` onto `frames` video
 * frames at a constant `fps` (see {@link interpolateToTimes} for frames at their own times).
 */
export function interpolateToFrames(
  segments: readonly TranscriptSegment[],
  embeddings: Float32Array,
  dim: number,
  frames: number,
  fps: number,
  mode: 'linear' | 'hold' = 'linear',
  /** Index of the first frame (streaming: frames `firstFrame … firstFrame + frames − 1`). */
  firstFrame = 0,
): FrameAlignedText {
  return interpolateToTimes(segments, embeddings, dim, Float64Array.from({ length: frames }, (_, f) => (f + firstFrame) / fps), mode);
}

/**
 * MAVEN eq. 12, TemporalInterpolate: segment-level text embeddings `[S, D]` onto frames at `times`
 * (seconds; a variable-rate video's own frame times). Frames inside a segment are speech (mask 1);
 * with `'linear'` (default) their vector is interpolated between the centres of the neighbouring
 * segments (held beyond the first / last centre), with `'hold'` it is their segment's own vector.
 * Frames outside every segment are zero with mask 0 (missing speech).
 */
export function interpolateToTimes(segments: readonly TranscriptSegment[], embeddings: Float32Array, dim: number, times: ArrayLike<number>, mode: 'linear' | 'hold' = 'linear'): FrameAlignedText {
  if (embeddings.length !== segments.length * dim) {
    throw new Error(`interpolateToFrames: ${embeddings.length} values for ${segments.length} segments × ${dim}`);
  }
  const frames = times.length;
  const data = new Float32Array(frames * dim);
  const mask = new Uint8Array(frames);
  const centres = segments.map((s) => (s.start + s.end) / 2);
  for (let f = 0; f < frames; f++) {
    const t = times[f];
    const inside = segments.findIndex((s) => t >= s.start && t < s.end);
    if (inside < 0) continue;
    mask[f] = 1;
    const row = data.subarray(f * dim, (f + 1) * dim);
    if (mode === 'hold' || segments.length === 1) {
      row.set(embeddings.subarray(inside * dim, (inside + 1) * dim));
      continue;
    }
    // Neighbouring centres around t.
    let right = centres.findIndex((c) => c > t);
    if (right === -1) right = segments.length - 1;
    const left = Math.max(0, right - 1);
    const span = centres[right] - centres[left];
    const w = span > 0 ? Math.min(1, Math.max(0, (t - centres[left]) / span)) : 0;
    for (let d = 0; d < dim; d++) row[d] = (1 - w) * embeddings[left * dim + d] + w * embeddings[right * dim + d];
  }
  return { data, mask, dim };
}
