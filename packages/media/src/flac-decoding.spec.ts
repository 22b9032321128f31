import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeAudio } from './audio-stream';
import { decodeFlac } from './flac-file';
import { locateFfmpeg } from './ffmpeg-locator';
import { mediaProcessLaunches } from './media-processes';
import { probe } from './probe';

// FLAC decoded in-process against ffmpeg's own decoding of the same file (MER_FLAC_DECODER=ffmpeg):
// the mono float32 at the file's rate must be bit for bit the same, for every way ffmpeg's encoder codes.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-flac-'));
const noisy = (rate: number, channels: 1 | 2) =>
  channels === 1
    ? `aevalsrc=0.6*sin(2*PI*(200+900*t)*t)+0.05*random(0):s=${rate}:d=1.37`
    : `aevalsrc=0.6*sin(2*PI*(200+900*t)*t)+0.05*random(0)|0.3*sin(2*PI*3100*t)+0.2*random(1):s=${rate}:d=1.37`;
const s16 = ['-sample_fmt', 's16'];
const s24 = ['-sample_fmt', 's32', '-bits_per_raw_sample', '24'];
const cases: { name: string; input: string; args: string[] }[] = [
  { name: 'mono-16', input: noisy(16000, 1), args: s16 },
  { name: 'stereo-16', input: noisy(44100, 2), args: s16 },
  { name: 'stereo-16-independent', input: noisy(44100, 2), args: [...s16, '-ch_mode', 'indep'] },
  { name: 'stereo-16-left-side', input: noisy(44100, 2), args: [...s16, '-ch_mode', 'left_side'] },
  { name: 'stereo-16-right-side', input: noisy(44100, 2), args: [...s16, '-ch_mode', 'right_side'] },
  { name: 'stereo-16-mid-side', input: noisy(44100, 2), args: [...s16, '-ch_mode', 'mid_side'] },
  { name: 'stereo-16-level0', input: noisy(22050, 2), args: [...s16, '-compression_level', '0'] },
  { name: 'stereo-16-fixed', input: noisy(22050, 2), args: [...s16, '-lpc_type', 'fixed'] },
  { name: 'stereo-16-verbatim', input: noisy(22050, 2), args: [...s16, '-lpc_type', 'none'] },
  { name: 'mono-16-odd-blocks', input: noisy(16000, 1), args: [...s16, '-frame_size', '1000'] },
  { name: 'stereo-24', input: noisy(48000, 2), args: s24 },
  { name: 'mono-24-level12', input: noisy(96000, 1), args: [...s24, '-compression_level', '12'] },
  { name: 'silence-16', input: 'anullsrc=r=8000:cl=mono', args: [...s16, '-t', '0.5'] },
];

function flac(name: string, input: string, args: string[]): string {
  const file = path.join(dir, `${name}.flac`);
  const r = spawnSync(locateFfmpeg().ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', input, ...args, '-c:a', 'flac', file]);
  if (r.status !== 0) throw new Error(String(r.stderr));
  return file;
}

/** ffmpeg's decoding of `file`: mono float32 at its own rate. */
async function viaFfmpeg(file: string, sampleRate: number): Promise<Float32Array> {
  process.env['MER_FLAC_DECODER'] = 'ffmpeg';
  try {
    return (await decodeAudio(file, { sampleRate })).samples;
  } finally {
    delete process.env['MER_FLAC_DECODER'];
  }
}

describe('FLAC decoded in-process', () => {
  it.each(cases)('$name: bit for bit what ffmpeg decodes', async ({ name, input, args }) => {
    const file = flac(name, input, args);
    const ours = decodeFlac(file);
    if (!ours) throw new Error(`${file}: not decoded in-process`);
    const theirs = await viaFfmpeg(file, ours.sampleRate);
    expect(ours.samples.length).toBe(theirs.length);
    expect(Buffer.from(ours.samples.buffer).equals(Buffer.from(theirs.buffer))).toBe(true);
    expect(ours.bitsPerSample).toBe(args.includes('s16') ? 16 : 24);
  });

  it('no process at all, and the facts ffprobe gives', async () => {
    const file = flac('facts', noisy(44100, 2), s16);
    const before = mediaProcessLaunches();
    const info = await probe(file);
    await decodeAudio(file, { sampleRate: 16000, info });
    await decodeAudio(file, { sampleRate: 22050, info });
    const after = mediaProcessLaunches();
    expect([after.ffmpeg - before.ffmpeg, after.ffprobe - before.ffprobe]).toEqual([0, 0]);
    process.env['MER_MEDIA_PROBE'] = 'ffprobe';
    const theirs = await probe(file).finally(() => delete process.env['MER_MEDIA_PROBE']);
    expect(info.audio).toEqual(theirs.audio.map((a) => ({ ...a, duration: expect.closeTo(a.duration, 4) })));
    expect([info.container, info.duration]).toEqual([theirs.container, expect.closeTo(theirs.duration, 4)]);
  });

  it('a damaged frame (CRC-16 wrong) is left to ffmpeg: the same samples as ffmpeg gives, one process', async () => {
    const file = flac('damaged', noisy(16000, 1), s16);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 5000] ^= 0x10;
    fs.writeFileSync(file, bytes);
    expect(decodeFlac(file)).toBeNull();
    const before = mediaProcessLaunches();
    const ours = (await decodeAudio(file, { sampleRate: 16000 })).samples;
    expect(mediaProcessLaunches().ffmpeg - before.ffmpeg).toBe(1);
    expect(ours).toEqual(await viaFfmpeg(file, 16000));
  });

  it('not FLAC, or more than two channels: null (ffmpeg decodes it)', () => {
    const text = path.join(dir, 'text.flac');
    fs.writeFileSync(text, 'fLaC but nothing after it');
    expect(decodeFlac(text)).toBeNull();
    expect(decodeFlac(flac('six', 'sine=f=440:r=48000:d=0.3', [...s16, '-ac', '6']))).toBeNull();
  });

  it('a truncated header (metadata past the end of the file) is null, not a bare throw', () => {
    const whole = fs.readFileSync(flac('truncated', noisy(16000, 1), s16));
    for (const length of [45, 60, 100]) {
      const cut = path.join(dir, `truncated-${length}.flac`);
      fs.writeFileSync(cut, whole.subarray(0, length));
      expect(decodeFlac(cut)).toBeNull();
    }
  });
});
