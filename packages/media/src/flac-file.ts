import * as fs from 'node:fs';
import { HALF_POWER, WAV_IN_PROCESS_MAX_BYTES } from './wav-file';

/** A FLAC file decoded in-process: STREAMINFO's facts and the samples mixed to mono at the file's rate. */
export interface FlacAudio {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Sample frames, as STREAMINFO states them and as decoded. */
  frames: number;
  /** Mono float32, as ffmpeg gives it: each sample over 2^(bits − 1), two channels as L·√½ + R·√½ in float32. */
  samples: Float32Array;
}

/** Reads a byte array MSB first, as FLAC stores everything. Throws past the end. */
class BitReader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  read(n: number): number {
    let v = 0;
    while (n > 0) {
      const byte = this.bytes[this.pos >> 3];
      if (byte === undefined) throw new Error('FLAC: past the end');
      const avail = 8 - (this.pos & 7);
      const take = Math.min(avail, n);
      v = v * (1 << take) + ((byte >> (avail - take)) & ((1 << take) - 1));
      this.pos += take;
      n -= take;
    }
    return v;
  }

  signed(n: number): number {
    const v = this.read(n);
    return n > 0 && v >= 2 ** (n - 1) ? v - 2 ** n : v;
  }

  /** Zeros before the next 1 (which is consumed). */
  unary(): number {
    let q = 0;
    for (;;) {
      const at = this.pos & 7;
      const byte = this.bytes[this.pos >> 3];
      if (byte === undefined) throw new Error('FLAC: past the end');
      const rest = (byte << at) & 0xff;
      if (rest === 0) {
        q += 8 - at;
        this.pos += 8 - at;
        continue;
      }
      const zeros = Math.clz32(rest) - 24;
      this.pos += zeros + 1;
      return q + zeros;
    }
  }

  align(): void {
    this.pos = (this.pos + 7) & ~7;
  }
}

const CRC16 = Uint16Array.from({ length: 256 }, (_, i) => {
  let c = i << 8;
  for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x8005) & 0xffff : (c << 1) & 0xffff;
  return c;
});

function crc16(bytes: Uint8Array, from: number, to: number): number {
  let c = 0;
  for (let i = from; i < to; i++) c = ((c << 8) & 0xffff) ^ CRC16[(c >> 8) ^ bytes[i]];
  return c;
}

/** √½ in float32: libswresample's stereo → mono gain, applied to each channel in single precision. */

const RATES = [0, 88200, 176400, 192000, 8000, 16000, 22050, 24000, 32000, 44100, 48000, 96000];
const BITS = [0, 8, 12, 0, 16, 20, 24, 0];

/** The residual of one subframe (Rice partitions, escapes included) into `out` from `order`. */
function residual(r: BitReader, out: Int32Array | Float64Array, blockSize: number, order: number): void {
  const method = r.read(2);
  if (method > 1) throw new Error('FLAC: reserved residual coding');
  const paramBits = method === 0 ? 4 : 5;
  const escape = method === 0 ? 15 : 31;
  const partitionOrder = r.read(4);
  const per = blockSize >> partitionOrder;
  let i = order;
  for (let p = 0; p < 1 << partitionOrder; p++) {
    const k = r.read(paramBits);
    const end = (p + 1) * per;
    if (end - i < 0) throw new Error('FLAC: bad partition');
    if (k === escape) {
      const raw = r.read(5);
      for (; i < end; i++) out[i] = r.signed(raw);
    } else {
      for (; i < end; i++) {
        const v = r.unary() * 2 ** k + r.read(k);
        out[i] = v % 2 === 0 ? v / 2 : -(v + 1) / 2;
      }
    }
  }
}

const FIXED: number[][] = [[], [1], [2, -1], [3, -3, 1], [4, -6, 4, -1]];

/** One subframe: `bps` bits a sample, `blockSize` samples into `out` (exact integers in doubles). */
function subframe(r: BitReader, out: Float64Array, blockSize: number, bps: number): void {
  if (r.read(1) !== 0) throw new Error('FLAC: bad subframe padding');
  const type = r.read(6);
  let wasted = 0;
  if (r.read(1) === 1) wasted = r.unary() + 1;
  const bits = bps - wasted;
  if (type === 0) {
    out.fill(r.signed(bits), 0, blockSize);
  } else if (type === 1) {
    for (let i = 0; i < blockSize; i++) out[i] = r.signed(bits);
  } else if ((type >= 8 && type <= 12) || type >= 32) {
    const order = type >= 32 ? type - 31 : type - 8;
    for (let i = 0; i < order; i++) out[i] = r.signed(bits);
    let coefs = FIXED[order];
    let shift = 0;
    if (type >= 32) {
      const precision = r.read(4) + 1;
      if (precision === 16) throw new Error('FLAC: bad LPC precision');
      shift = r.signed(5);
      if (shift < 0) throw new Error('FLAC: negative LPC shift');
      coefs = Array.from({ length: order }, () => r.signed(precision));
    }
    residual(r, out, blockSize, order);
    const scale = 2 ** shift;
    for (let i = order; i < blockSize; i++) {
      let sum = 0;
      for (let j = 0; j < order; j++) sum += coefs[j] * out[i - 1 - j];
      out[i] += type >= 32 ? Math.floor(sum / scale) : sum;
    }
  } else throw new Error(`FLAC: reserved subframe type ${type}`);
  if (wasted > 0) for (let i = 0; i < blockSize; i++) out[i] *= 2 ** wasted;
}

/**
 * Decodes a FLAC file in-process (no dependency): every frame's CRC-16 checked, and STREAMINFO's rate,
 * channels, sample size and length held to. Null when the file is not a plain FLAC stream mer decodes
 * (more than two channels, 32-bit, no stated length, over the in-process size) or anything fails to
 * check: ffmpeg then decodes it, so what comes out is ffmpeg's either way (flac-decoding.spec.ts).
 * `MER_FLAC_DECODER=ffmpeg` (or `MER_MEDIA_PROBE=ffprobe`) asks for ffmpeg's route.
 */
export function decodeFlac(file: string): FlacAudio | null {
  if (process.env['MER_FLAC_DECODER'] === 'ffmpeg' || process.env['MER_MEDIA_PROBE'] === 'ffprobe') return null;
  const head = Buffer.alloc(4);
  const fd = fs.openSync(file, 'r');
  try {
    if (fs.readSync(fd, head, 0, 4, 0) < 4 || head.toString('latin1') !== 'fLaC' || fs.fstatSync(fd).size > WAV_IN_PROCESS_MAX_BYTES) return null;
  } finally {
    fs.closeSync(fd);
  }
  const bytes = fs.readFileSync(file);
  if (bytes.length < 42 || bytes.toString('latin1', 0, 4) !== 'fLaC') return null;
  const r = new BitReader(bytes);
  r.pos = 32;
  let info: { sampleRate: number; channels: number; bitsPerSample: number; frames: number } | null = null;
  for (let last = 0; !last; ) {
    if (r.pos + 32 > bytes.length * 8) return null;
    last = r.read(1);
    const type = r.read(7);
    const length = r.read(24);
    const end = r.pos + length * 8;
    // A metadata block past the end (a truncated or damaged header): ffmpeg's route says what is wrong.
    if (end > bytes.length * 8) return null;
    if (type === 0) {
      r.read(16 + 16 + 24 + 24); // block sizes, frame sizes
      info = { sampleRate: r.read(20), channels: r.read(3) + 1, bitsPerSample: r.read(5) + 1, frames: r.read(36) };
    }
    r.pos = end;
  }
  if (!info || info.channels > 2 || info.bitsPerSample > 24 || info.frames === 0 || info.frames * 4 > WAV_IN_PROCESS_MAX_BYTES) return null;
  const { channels, bitsPerSample: bps, sampleRate } = info;
  const samples = new Float32Array(info.frames);
  const scale = 1 / 2 ** (bps - 1);
  const a = new Float64Array(65536);
  const b = new Float64Array(65536);
  let done = 0;
  try {
    while (done < info.frames) {
      const start = r.pos >> 3;
      if (r.read(15) !== 0x7ffc) return null; // sync (14 bits) + reserved 0
      r.read(1); // blocking strategy
      const bsCode = r.read(4);
      const srCode = r.read(4);
      const chCode = r.read(4);
      const ssCode = r.read(3);
      r.read(1);
      const first = r.read(8); // the frame or sample number, UTF-8 coded: skipped
      const extra = first < 0x80 ? 0 : Math.clz32(~(first << 24)) - 1;
      r.read(8 * extra);
      const blockSize = bsCode === 1 ? 192 : bsCode <= 5 ? 576 << (bsCode - 2) : bsCode === 6 ? r.read(8) + 1 : bsCode === 7 ? r.read(16) + 1 : 256 << (bsCode - 8);
      const rate = srCode === 0 ? sampleRate : srCode <= 11 ? RATES[srCode] : srCode === 12 ? r.read(8) * 1000 : srCode === 13 ? r.read(16) : srCode === 14 ? r.read(16) * 10 : -1;
      const frameBps = ssCode === 0 ? bps : BITS[ssCode];
      r.read(8); // header CRC-8 (the frame's CRC-16 covers the header too)
      const frameChannels = chCode <= 7 ? chCode + 1 : 2;
      if (bsCode === 0 || rate !== sampleRate || frameBps !== bps || frameChannels !== channels || chCode > 10 || done + blockSize > info.frames) return null;
      subframe(r, a, blockSize, bps + (chCode === 9 ? 1 : 0));
      if (channels === 2) subframe(r, b, blockSize, bps + (chCode === 8 || chCode === 10 ? 1 : 0));
      r.align();
      const crcAt = r.pos >> 3;
      if (r.read(16) !== crc16(bytes, start, crcAt)) return null;
      for (let i = 0; i < blockSize; i++) {
        let left = a[i];
        let right = b[i];
        if (chCode === 8) right = left - right; // left/side
        else if (chCode === 9) left = left + right; // side/right
        else if (chCode === 10) {
          const mid = left * 2 + (right & 1); // mid/side
          [left, right] = [(mid + right) / 2, (mid - right) / 2];
        }
        samples[done + i] = channels === 1 ? left * scale : Math.fround(Math.fround(left * scale * HALF_POWER) + Math.fround(right * scale * HALF_POWER));
      }
      done += blockSize;
    }
  } catch {
    return null;
  }
  return { ...info, samples };
}
