import * as fs from 'node:fs';
import { MediaError } from './media-error';

/** The facts of a RIFF/WAVE file's header that decoding needs. */
export interface WavHeader {
  /** 'pcm' (integer samples) or 'float'. */
  encoding: 'pcm' | 'float';
  bitsPerSample: number;
  channels: number;
  sampleRate: number;
  /** Byte offset and length of the sample data. */
  dataOffset: number;
  dataBytes: number;
  /** Sample frames (one sample per channel each). */
  frames: number;
  /** ffprobe's codec name, e.g. 'pcm_s16le'. */
  codec: string;
}

/** Decoded in-process up to this size; larger files stream through ffmpeg. */
export const WAV_IN_PROCESS_MAX_BYTES = 64 * 1024 * 1024;

const SUPPORTED = new Set(['pcm:8', 'pcm:16', 'pcm:24', 'pcm:32', 'float:32', 'float:64']);

/**
 * Parses a WAV header (PCM 8/16/24/32-bit, IEEE float 32/64, plain or WAVE_FORMAT_EXTENSIBLE): the
 * facts, or null when the file is not a WAV mer decodes itself (then ffmpeg does).
 */
export function readWavHeader(file: string): WavHeader | null {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(12);
    if (fs.readSync(fd, head, 0, 12, 0) < 12 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') return null;
    const size = fs.fstatSync(fd).size;
    let at = 12;
    let fmt: Pick<WavHeader, 'encoding' | 'bitsPerSample' | 'channels' | 'sampleRate'> | null = null;
    const chunk = Buffer.alloc(40);
    while (at + 8 <= size) {
      fs.readSync(fd, chunk, 0, 8, at);
      const id = chunk.toString('latin1', 0, 4);
      const length = chunk.readUInt32LE(4);
      if (id === 'fmt ') {
        const n = fs.readSync(fd, chunk, 0, Math.min(40, length), at + 8);
        if (n < 16) return null;
        let tag = chunk.readUInt16LE(0);
        if (tag === 0xfffe && n >= 26) tag = chunk.readUInt16LE(24); // extensible: the sub-format GUID's first two bytes
        const encoding = tag === 1 ? 'pcm' : tag === 3 ? 'float' : null;
        if (!encoding) return null;
        fmt = { encoding, channels: chunk.readUInt16LE(2), sampleRate: chunk.readUInt32LE(4), bitsPerSample: chunk.readUInt16LE(14) };
      } else if (id === 'data') {
        if (!fmt || !SUPPORTED.has(`${fmt.encoding}:${fmt.bitsPerSample}`) || fmt.channels < 1 || fmt.sampleRate < 1) return null;
        const dataBytes = Math.min(length, size - at - 8);
        const frameBytes = (fmt.bitsPerSample / 8) * fmt.channels;
        const codec = fmt.encoding === 'float' ? `pcm_f${fmt.bitsPerSample}le` : fmt.bitsPerSample === 8 ? 'pcm_u8' : `pcm_s${fmt.bitsPerSample}le`;
        return { ...fmt, dataOffset: at + 8, dataBytes, frames: Math.floor(dataBytes / frameBytes), codec };
      }
      at += 8 + length + (length % 2);
    }
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

/** Sample `i` of `bytes` as ffmpeg's conversion to float gives it (integers over 2^(bits−1); 8-bit is unsigned). */
function sampleReader(h: WavHeader, bytes: Buffer): (i: number) => number {
  const w = h.bitsPerSample / 8;
  if (h.encoding === 'float') return w === 4 ? (i) => bytes.readFloatLE(i * 4) : (i) => bytes.readDoubleLE(i * 8);
  if (w === 1) return (i) => (bytes[i] - 128) / 128;
  if (w === 2) return (i) => bytes.readInt16LE(i * 2) / 32768;
  if (w === 3) return (i) => bytes.readIntLE(i * 3, 3) / 8388608;
  return (i) => bytes.readInt32LE(i * 4) / 2147483648;
}

/** √½ in float32: libswresample's stereo → mono gain, applied to each channel in single precision. */
/** ffmpeg's stereo → mono gain per channel (1/√2 in float32), shared by the in-process decoders. */
export const HALF_POWER = Math.fround(Math.SQRT1_2);

/**
 * The file's samples mixed to mono at the file's own rate, as ffmpeg's `-ac 1` mixes them: one channel
 * as it is, two as L·√½ + R·√½ in float32, bit for bit (libswresample's default stereo → mono matrix, not
 * normalised for float output). Files of more channels go to ffmpeg (its matrix depends on the layout).
 */
export function readWavMono(file: string, h: WavHeader): Float32Array {
  const bytes = Buffer.alloc(h.frames * h.channels * (h.bitsPerSample / 8));
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, bytes, 0, bytes.length, h.dataOffset);
  } finally {
    fs.closeSync(fd);
  }
  const read = sampleReader(h, bytes);
  const out = new Float32Array(h.frames);
  if (h.channels === 1) for (let f = 0; f < h.frames; f++) out[f] = read(f);
  else if (h.channels === 2) for (let f = 0; f < h.frames; f++) out[f] = Math.fround(Math.fround(read(2 * f) * HALF_POWER) + Math.fround(read(2 * f + 1) * HALF_POWER));
  else throw new Error(`${file}: ${h.channels} channels: mixed by ffmpeg, not in-process`);
  if (out.length === 0) throw new MediaError(file, 'decode-failed', 'no audio samples could be decoded');
  return out;
}

/**
 * The header of a WAV that mer decodes in-process (no ffmpeg, no ffprobe): PCM or float, one or two
 * channels, at most {@link WAV_IN_PROCESS_MAX_BYTES}; null for anything else, or when
 * `MER_WAV_DECODER=ffmpeg` asks for the ffmpeg route.
 */
export function inProcessWav(file: string): WavHeader | null {
  if (process.env['MER_WAV_DECODER'] === 'ffmpeg') return null;
  const h = readWavHeader(file);
  return h && h.channels <= 2 && h.dataBytes <= WAV_IN_PROCESS_MAX_BYTES ? h : null;
}
