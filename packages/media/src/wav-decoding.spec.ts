import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { locateFfmpeg } from './ffmpeg-locator';
import { decodeAudio } from './audio-stream';
import { probe } from './probe';
import { resample } from './resampler';
import { inProcessWav, readWavHeader } from './wav-file';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-wav-'));
/** A WAV made by ffmpeg: a chirp (and a second tone on the right channel) in the given sample format. */
function wav(name: string, rate: number, codec: string, channels: 1 | 2, seconds = 1.3): string {
  const file = path.join(dir, name);
  const left = `aevalsrc=0.6*sin(2*PI*(200+900*t)*t):s=${rate}:d=${seconds}`;
  const args = channels === 1 ? ['-f', 'lavfi', '-i', left] : ['-f', 'lavfi', '-i', left, '-f', 'lavfi', '-i', `sine=f=3100:r=${rate}:d=${seconds}`, '-filter_complex', '[0][1]amerge=inputs=2'];
  const r = spawnSync(locateFfmpeg().ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', ...args, '-c:a', codec, file]);
  if (r.status !== 0) throw new Error(String(r.stderr));
  return file;
}

/** The same call through ffmpeg (the route every other container takes). */
async function viaFfmpeg<T>(f: () => Promise<T>): Promise<T> {
  process.env['MER_WAV_DECODER'] = 'ffmpeg';
  try {
    return await f();
  } finally {
    delete process.env['MER_WAV_DECODER'];
  }
}

function maxDiff(a: Float32Array, b: Float32Array, from = 0, to = a.length): number {
  let m = 0;
  for (let i = from; i < to; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const cases = [
  { name: 'mono-s16-16k.wav', rate: 16000, codec: 'pcm_s16le', channels: 1 as const },
  { name: 'stereo-s24-44k.wav', rate: 44100, codec: 'pcm_s24le', channels: 2 as const },
  { name: 'mono-f32-22k.wav', rate: 22050, codec: 'pcm_f32le', channels: 1 as const },
  { name: 'stereo-u8-8k.wav', rate: 8000, codec: 'pcm_u8', channels: 2 as const },
];

describe('WAV decoded in-process, as ffmpeg decodes it', () => {
  it.each(cases)('$name: the header gives what ffprobe gives', async (c) => {
    const file = wav(c.name, c.rate, c.codec, c.channels);
    const ours = await probe(file);
    const theirs = await viaFfmpeg(() => probe(file));
    expect(ours.audio[0]).toEqual({ ...theirs.audio[0], duration: expect.closeTo(theirs.audio[0].duration, 3) });
    expect([ours.container, ours.video]).toEqual([theirs.container, undefined]);
    expect(ours.duration).toBeCloseTo(theirs.duration, 3);
  });

  it.each(cases)('$name: samples at 16, 22.05 and 11 kHz agree with ffmpeg (mono mix and resampling)', async (c) => {
    const file = path.join(dir, c.name);
    for (const rate of [16000, 22050, 11000]) {
      const ours = (await decodeAudio(file, { sampleRate: rate })).samples;
      const theirs = (await viaFfmpeg(() => decodeAudio(file, { sampleRate: rate }))).samples;
      expect(ours.length).toBe(theirs.length);
      // Stated tolerance (full scale 1): identical without resampling; upsampling 2e-5 (measured ≤ 7e-6),
      // downsampling 2e-4 (measured ≤ 1.2e-4: libswresample normalises its bank's mirrored phases differently).
      expect(maxDiff(ours, theirs)).toBeLessThan(c.rate === rate ? 1e-7 : rate > c.rate ? 2e-5 : 2e-4);
    }
  });

  it('a start and a duration cut the same samples as ffmpeg -ss/-t', async () => {
    const file = path.join(dir, 'mono-s16-16k.wav');
    const ours = (await decodeAudio(file, { sampleRate: 16000, start: 0.5, duration: 0.4 })).samples;
    const theirs = (await viaFfmpeg(() => decodeAudio(file, { sampleRate: 16000, start: 0.5, duration: 0.4 }))).samples;
    expect(ours.length).toBe(theirs.length);
    expect(maxDiff(ours, theirs)).toBeLessThan(1e-7);
  });

  it('goes to ffmpeg for what it does not decode itself; an empty WAV is an error naming the file', async () => {
    const adpcm = path.join(dir, 'adpcm.wav');
    spawnSync(locateFfmpeg().ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=f=440:r=16000:d=0.5', '-c:a', 'adpcm_ms', adpcm]);
    expect(readWavHeader(adpcm)).toBeNull();
    // ffmpeg decodes it: the 440 Hz tone crosses zero 880 times a second.
    const x = (await decodeAudio(adpcm, { sampleRate: 16000 })).samples.subarray(0, 8000);
    let crossings = 0;
    for (let i = 1; i < x.length; i++) if (x[i - 1] < 0 !== x[i] < 0) crossings++;
    expect(Math.abs(crossings - 440)).toBeLessThan(5);
    expect(inProcessWav(path.join(dir, 'mono-s16-16k.wav'))).toMatchObject({ channels: 1, sampleRate: 16000, bitsPerSample: 16 });
    const empty = path.join(dir, 'empty.wav');
    const header = Buffer.alloc(44);
    header.write('RIFF', 0, 'latin1');
    header.writeUInt32LE(36, 4);
    header.write('WAVEfmt ', 8, 'latin1');
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(1, 20);
    header.writeUInt16LE(1, 22);
    header.writeUInt32LE(16000, 24);
    header.writeUInt32LE(32000, 28);
    header.writeUInt16LE(2, 32);
    header.writeUInt16LE(16, 34);
    header.write('data', 36, 'latin1');
    fs.writeFileSync(empty, header);
    await expect(probe(empty)).rejects.toThrow(/empty\.wav.*zero-length media/);
  });

  it('the resampler keeps a tone in band and removes one above the new Nyquist', () => {
    const tone = (f: number, rate: number) => Float32Array.from({ length: rate }, (_, i) => Math.sin((2 * Math.PI * f * i) / rate));
    const kept = resample(tone(1000, 16000), 16000, 11000);
    const expected = tone(1000, 11000);
    expect(maxDiff(kept, expected, 200, 10800)).toBeLessThan(1e-3);
    const removed = resample(tone(7000, 16000), 16000, 11000); // 7 kHz > 5.5 kHz: must not alias to 4 kHz
    const rms = Math.sqrt(removed.subarray(200, 10800).reduce((s, v) => s + v * v, 0) / 10600);
    expect(rms).toBeLessThan(1e-3);
  });
});
