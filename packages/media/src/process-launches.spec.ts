import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeAudio } from './audio-stream';
import { locateFfmpeg } from './ffmpeg-locator';
import { mediaProcessLaunches } from './media-processes';
import { audioStreamChoiceNote, hasRoundedVideoFacts, MediaInfo, probe } from './probe';
import { generateTestClip } from './test-media';
import { readVideoFrames } from './video-frames';

// Processes launched per file, counted at the spawn helpers (ffmpegRecords, probe's ffprobe), and the
// samples and facts of the one-process route against the route before (MER_MEDIA_PROBE=ffprobe:
// ffprobe, then one ffmpeg per sample rate, resampling inside ffmpeg).
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-launches-'));
const chirp = (rate: number, seconds = 1.3) => ['-f', 'lavfi', '-i', `aevalsrc=0.6*sin(2*PI*(200+900*t)*t):s=${rate}:d=${seconds}`];
function make(name: string, ...args: string[]): string {
  const file = path.join(dir, name);
  const r = spawnSync(locateFfmpeg().ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', ...args, file]);
  if (r.status !== 0) throw new Error(String(r.stderr));
  return file;
}
const files = {
  wav: make('a.wav', ...chirp(22050)),
  mp3: make('a.mp3', ...chirp(44100), '-ac', '2', '-c:a', 'libmp3lame'),
  flac: make('a.flac', ...chirp(48000), '-ac', '2', '-c:a', 'flac'),
  ogg: make('a.ogg', ...chirp(22050), '-c:a', 'libvorbis'),
  m4a: make('a.m4a', ...chirp(16000), '-c:a', 'aac'),
  mp4: generateTestClip(path.join(dir, 'v.mp4'), { seconds: 1.5, fps: 10 }),
  twoAudio: make('two.mp4', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10:duration=1', ...chirp(22050, 1), ...chirp(16000, 1), '-map', '0', '-map', '1', '-map', '2', '-c:v', 'libx264', '-c:a', 'aac'),
  cover: make('cover.mp3', ...chirp(22050), '-f', 'lavfi', '-i', 'testsrc=size=64x64:rate=1:duration=1', '-map', '0', '-map', '1', '-frames:v', '1', '-c:v', 'mjpeg', '-disposition:v', 'attached_pic', '-c:a', 'libmp3lame', '-id3v2_version', '3'),
  noAudio: generateTestClip(path.join(dir, 'silent.mp4'), { seconds: 1, fps: 10, toneHz: false }),
};

/** `f`'s result and the ffmpeg/ffprobe processes it launched. */
async function counted<T>(f: () => Promise<T>): Promise<{ value: T; ffmpeg: number; ffprobe: number }> {
  locateFfmpeg(); // the one-off version checks are not per file
  const before = mediaProcessLaunches();
  const value = await f();
  const after = mediaProcessLaunches();
  return { value, ffmpeg: after.ffmpeg - before.ffmpeg, ffprobe: after.ffprobe - before.ffprobe };
}

/** The same call by the route before: ffprobe for the facts, ffmpeg per rate for the samples. */
async function routeBefore<T>(f: () => Promise<T>): Promise<T> {
  process.env['MER_MEDIA_PROBE'] = 'ffprobe';
  try {
    return await f();
  } finally {
    delete process.env['MER_MEDIA_PROBE'];
  }
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Both rates a speech pipeline asks for (eGeMAPS: 16 and 11 kHz), then AVT-CA's 22.05 kHz, from one probe. */
async function threeRates(file: string, info?: MediaInfo): Promise<Float32Array[]> {
  const i = info ?? (await probe(file, { audioOnly: true }));
  return Promise.all([16000, 11000, 22050].map(async (sampleRate) => (await decodeAudio(file, { sampleRate, info: i })).samples));
}

describe('processes per file: at most one, none for a WAV', () => {
  it('a WAV or a FLAC: none; MP3, Ogg, M4A: one ffmpeg and no ffprobe, however many rates are read', async () => {
    for (const f of [files.wav, files.flac]) {
      expect(await counted(() => threeRates(f))).toMatchObject({ ffmpeg: 0, ffprobe: 0 });
      expect(await counted(async () => threeRates(f, await probe(f)))).toMatchObject({ ffmpeg: 0, ffprobe: 0 });
    }
    // A FLAC through ffmpeg (MER_FLAC_DECODER=ffmpeg, or one mer does not decode): one ffmpeg.
    process.env['MER_FLAC_DECODER'] = 'ffmpeg';
    expect(await counted(() => threeRates(files.flac)).finally(() => delete process.env['MER_FLAC_DECODER'])).toMatchObject({ ffmpeg: 1, ffprobe: 0 });
    for (const f of [files.mp3, files.ogg, files.m4a]) {
      expect(await counted(() => threeRates(f))).toMatchObject({ ffmpeg: 1, ffprobe: 0 });
      // A probe of the file (as extraction makes first), then the audio: still one.
      expect(await counted(async () => threeRates(f, await probe(f)))).toMatchObject({ ffmpeg: 1, ffprobe: 0 });
    }
    // Cover art is no video: still one process, and no video stream (as ffprobe's attached_pic says).
    const cover = await counted(() => probe(files.cover));
    expect(cover).toMatchObject({ ffmpeg: 1, ffprobe: 0, value: { video: undefined } });
    expect((await routeBefore(() => probe(files.cover))).video).toBeUndefined();
    // The route before, for the record: ffprobe, then one ffmpeg per rate.
    expect(await routeBefore(() => counted(() => threeRates(files.mp3)))).toMatchObject({ ffmpeg: 3, ffprobe: 1 });
  });

  it('an MP4 whose audio only is needed: one ffmpeg; its frames too: ffprobe (exact rate and count), one ffmpeg for the audio at every rate, one for the frames', async () => {
    expect(await counted(() => decodeAudio(files.mp4, { sampleRate: 16000 }))).toMatchObject({ ffmpeg: 1, ffprobe: 0 });
    const av = await counted(async () => {
      const info = await probe(files.mp4, { countFrames: true });
      await threeRates(files.mp4, info); // decoded once, whatever the rates (eGeMAPS' 16 and 11 kHz, a log-mel's 16 kHz)
      let frames = 0;
      for await (const b of readVideoFrames(files.mp4, { info, width: 64 })) frames += b.count;
      return frames;
    });
    expect(av).toEqual({ value: 15, ffmpeg: 2, ffprobe: 1 });
  });

  it('decoded samples: identical at the file’s own rate, resampled within 2e-5 up and 1.2e-4 down as for WAVs (±1 sample long), to the route before', async () => {
    const videoProbed = async (f: string) => threeRates(f, await probe(f));
    for (const [f, read] of [files.mp3, files.flac, files.ogg, files.m4a, files.mp4, files.twoAudio].map((f) => [f, threeRates] as const).concat([[files.mp4, videoProbed]])) {
      const now = await read(f);
      const before = await routeBefore(() => threeRates(f));
      const own = (await probe(f, { audioOnly: true })).audio[0].sampleRate;
      for (const [k, rate] of [16000, 11000, 22050].entries()) {
        expect(Math.abs(now[k].length - before[k].length)).toBeLessThanOrEqual(1);
        if (rate === own) expect(now[k]).toEqual(before[k]);
        else expect(maxDiff(now[k], before[k])).toBeLessThan(rate > own ? 2e-5 : 1.2e-4);
        expect(maxDiff(now[k], new Float32Array(now[k].length))).toBeGreaterThan(0.1); // the chirp (or tone), not silence
      }
    }
  });

  it('facts: the streams ffprobe lists (codec, rate, channels, index), the note naming the stream used', async () => {
    for (const f of [files.mp3, files.flac, files.ogg, files.m4a, files.mp4, files.twoAudio]) {
      const now = await probe(f, { audioOnly: true });
      const before = await routeBefore(() => probe(f));
      expect(now.container).toBe(before.container);
      expect(now.audio.map(({ duration: _, ...a }) => a)).toEqual(before.audio.map(({ duration: _, ...a }) => a));
      expect(Math.abs(now.duration - before.duration)).toBeLessThan(0.07); // decoded length vs the container's estimate (MP3 padding)
      expect(audioStreamChoiceNote(now)).toBe(audioStreamChoiceNote(before));
      expect(Boolean(now.video)).toBe(Boolean(before.video));
    }
    expect(audioStreamChoiceNote(await probe(files.twoAudio, { audioOnly: true }))).toBe('2 audio streams: the first is used (aac, 1 channel, 22050 Hz)');
  });

  it("an audio-only probe's rounded video facts are not used for frames: readVideoFrames probes again, exactly", async () => {
    const rounded = await probe(files.mp4, { audioOnly: true });
    expect(hasRoundedVideoFacts(rounded)).toBe(true);
    expect(hasRoundedVideoFacts(await probe(files.mp4))).toBe(false);
    const times = async (info?: MediaInfo) => {
      const t: number[] = [];
      for await (const b of readVideoFrames(files.mp4, { info, width: 64 })) t.push(...b.timestamps);
      return t;
    };
    const again = await counted(() => times(rounded));
    expect(again.ffprobe).toBe(1);
    expect(again.value).toEqual(await times());
  });

  it('errors as before: the file named, the same reasons', async () => {
    const text = path.join(dir, 'text.mp3');
    fs.writeFileSync(text, 'not audio at all\n'.repeat(40));
    const empty = path.join(dir, 'empty.flac');
    fs.writeFileSync(empty, '');
    const reason = async (f: () => Promise<unknown>) => f().then(() => 'ok', (e: { reason?: string; message: string }) => `${e.reason}: ${e.message.split(' (')[0]}`);
    const cases: [string, () => Promise<unknown>][] = [
      [text, () => decodeAudio(text)],
      [empty, () => decodeAudio(empty)],
      [path.join(dir, 'missing.mp3'), () => decodeAudio(path.join(dir, 'missing.mp3'))],
      [files.noAudio, () => decodeAudio(files.noAudio)],
    ];
    const got = [];
    for (const [file, f] of cases) {
      const now = await reason(f);
      expect(now).toBe(await routeBefore(() => reason(f)));
      expect(now).toContain(file);
      got.push(now);
    }
    expect(got).toEqual([
      `not-media: ${text}: not a readable media file`,
      `empty-file: ${empty}: file is empty`,
      `missing-file: ${path.join(dir, 'missing.mp3')}: file not found`,
      `no-audio: ${files.noAudio}: has no audio stream`,
    ]);
    // Silence for a file without audio, as long as the file.
    expect((await decodeAudio(files.noAudio, { missingAudio: 'silence', sampleRate: 1000 })).samples.length).toBe(1000);
  });
});
