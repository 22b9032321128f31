import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkFrameRate, decodeAudio, generateTestClip, locateFfmpeg, MediaError, probe, readAudio, readVideoFrames, variableRateTime, writeDisplayRotated } from './index';

let dir: string;
let clip: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-media-'));
  clip = generateTestClip(path.join(dir, 'clip.mp4'), { seconds: 2, fps: 25, width: 160, height: 120, toneHz: 440, audioChannels: 2 });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('locateFfmpeg', () => {
  it('finds a working ffmpeg/ffprobe and says where from', () => {
    const t = locateFfmpeg();
    expect(t.version).toMatch(/^ffmpeg version/);
    expect(['FFMPEG_PATH', 'ffmpeg-static', '@ffmpeg-installer/ffmpeg', 'PATH']).toContain(t.ffmpegSource);
    expect(fs.existsSync(t.ffprobe)).toBe(true);
  });

  it('skips an FFMPEG_PATH that does not run and honours one that does', () => {
    const good = locateFfmpeg();
    const bogus = path.join(dir, 'not-ffmpeg');
    fs.writeFileSync(bogus, 'not a program');
    const fallback = locateFfmpeg({ env: { ...process.env, FFMPEG_PATH: bogus } });
    expect(fallback.ffmpegSource).not.toBe('FFMPEG_PATH');
    const chosen = locateFfmpeg({ env: { ...process.env, FFMPEG_PATH: good.ffmpeg, FFPROBE_PATH: good.ffprobe } });
    expect(chosen).toMatchObject({ ffmpegSource: 'FFMPEG_PATH', ffprobeSource: 'FFPROBE_PATH' });
  });
});

describe('probe', () => {
  it('reads duration, fps, frame count, size and audio streams', async () => {
    const info = await probe(clip);
    expect(info.duration).toBeCloseTo(2, 1);
    expect(info.video).toMatchObject({ width: 160, height: 120, fps: 25, frameCount: 50, fpsRational: { num: 25, den: 1 } });
    expect(info.audio).toHaveLength(1);
    expect(info.audio[0]).toMatchObject({ sampleRate: 48000, channels: 2 });
    expect(info.video?.frameCountSource).toBe('container');
    const counted = await probe(clip, { countFrames: true });
    expect(counted.video).toMatchObject({ frameCount: 50, frameCountSource: 'packets' });
    const decoded = await probe(clip, { countFrames: 'decode' });
    expect(decoded.video).toMatchObject({ frameCount: 50, frameCountSource: 'decoded' });
  });

  it('counts frames as they decode where an edit list discards packets (a cut copied without re-encoding)', async () => {
    const { ffmpeg } = locateFfmpeg();
    const gop = path.join(dir, 'gop.mp4');
    const made = spawnSync(ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=96x64:rate=25', '-t', '4', '-c:v', 'libx264', '-g', '25', '-bf', '2', gop]);
    expect(made.status).toBe(0);
    // Cut mid-GOP without re-encoding: the frames from the keyframe before 1.3 s are stored, and an edit list hides them.
    const cut = path.join(dir, 'cut.mp4');
    expect(spawnSync(ffmpeg, ['-v', 'error', '-y', '-ss', '1.3', '-i', gop, '-t', '1.5', '-c', 'copy', cut]).status).toBe(0);
    let decodedFrames = 0;
    for await (const b of readVideoFrames(cut, { width: 32 })) decodedFrames += b.count;
    const container = (await probe(cut)).video!;
    const packets = (await probe(cut, { countFrames: true })).video!;
    const decoded = (await probe(cut, { countFrames: 'decode' })).video!;
    expect(container.frameCount).toBeGreaterThan(decodedFrames); // the container counts the hidden frames too
    expect(packets).toMatchObject({ frameCount: decodedFrames, frameCountSource: 'packets' });
    expect(decoded).toMatchObject({ frameCount: decodedFrames, frameCountSource: 'decoded' });
  });

  it('keeps the real rational rate of NTSC video (30000/1001)', async () => {
    const ntsc = generateTestClip(path.join(dir, 'ntsc.mp4'), { seconds: 1, fps: '30000/1001', toneHz: false });
    const info = await probe(ntsc);
    expect(info.video?.fpsRational).toEqual({ num: 30000, den: 1001 });
    expect(info.video?.fps).toBeCloseTo(29.97, 2);
    expect(info.audio).toEqual([]);
  });

  it('errors name the file and the problem', async () => {
    const missing = path.join(dir, 'nope.mp4');
    await expect(probe(missing)).rejects.toThrow(`${missing}: file not found`);
    const empty = path.join(dir, 'empty.mp4');
    fs.writeFileSync(empty, '');
    await expect(probe(empty)).rejects.toThrow(`${empty}: file is empty (0 bytes)`);
    const corrupt = path.join(dir, 'corrupt.mp4');
    fs.writeFileSync(corrupt, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    await expect(probe(corrupt)).rejects.toThrow(new RegExp(`${corrupt}: not a readable media file`));
    const err = await probe(corrupt).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MediaError);
    expect((err as MediaError).reason).toBe('not-media');
  });
});

describe('readVideoFrames', () => {
  it('streams every native frame in batches with timestamps', async () => {
    let total = 0;
    const sizes: number[] = [];
    let firstPixelSum = 0;
    for await (const b of readVideoFrames(clip, { batchSize: 16 })) {
      expect(b.width).toBe(160);
      expect(b.height).toBe(120);
      expect(b.data.length).toBe(b.count * 160 * 120 * 3);
      expect(b.firstIndex).toBe(total);
      b.timestamps.forEach((t, i) => expect(t).toBeCloseTo((total + i) / 25, 9));
      if (total === 0) firstPixelSum = b.data.subarray(0, 160 * 120 * 3).reduce((s, v) => s + v, 0);
      total += b.count;
      sizes.push(b.count);
    }
    expect(total).toBe(50);
    expect(sizes).toEqual([16, 16, 16, 2]);
    expect(firstPixelSum).toBeGreaterThan(0); // the test pattern, not a black frame
  });

  it('a variable-rate video: every frame carries its own presentation time (equal to ffprobe\'s), not index / fps', async () => {
    const vr = { after: 100, gap: 3.4, slowdown: 2 };
    const file = generateTestClip(path.join(dir, 'vfr.mp4'), { seconds: 5, fps: '30000/1001', variableRate: vr, toneHz: false });
    const { ffprobe } = locateFfmpeg();
    const probed = spawnSync(ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', file], { encoding: 'utf8' })
      .stdout.trim()
      .split('\n')
      .filter((l) => l.trim() !== '') // ffprobe's csv has an empty line for the first frame's side data
      .map((l) => Number(l.replace(/,$/, '')));
    const times: number[] = [];
    for await (const b of readVideoFrames(file, { width: 80 })) times.push(...b.timestamps);
    expect(times).toHaveLength(probed.length);
    times.forEach((t, i) => expect(Math.abs(t - probed[i])).toBeLessThan(1e-3));
    // Frame 50: 1.668 s (ffprobe), where index / average rate would say 3.3 s.
    expect(times[50]).toBeCloseTo(variableRateTime(50, 30000 / 1001, vr), 3);
    // The jump and the slower rate after it (the encoder places the first late frame within a frame of the request).
    expect(times[100] - times[99]).toBeGreaterThan(3.3);
    expect(times[121] - times[120]).toBeCloseTo(2 / (30000 / 1001), 3);
    const check = checkFrameRate(times, 30000 / 1001);
    expect(check.variableRate).toBe(true);
    expect(check.offGrid).toBe(times.length - 100);
    expect(checkFrameRate(times.slice(0, 100), 30000 / 1001).variableRate).toBe(false);
  });

  it('resamples to a requested fps and width (aspect kept)', async () => {
    const batches = [];
    for await (const b of readVideoFrames(clip, { fps: 10, width: 64 })) batches.push(b);
    const total = batches.reduce((s, b) => s + b.count, 0);
    expect(total).toBe(20);
    expect([batches[0].width, batches[0].height]).toEqual([64, 48]);
    expect(batches[0].fps).toBe(10);
  });

  it('stops ffmpeg when the consumer stops early', async () => {
    let seen = 0;
    for await (const b of readVideoFrames(clip, { batchSize: 4 })) {
      seen += b.count;
      break;
    }
    expect(seen).toBe(4);
  });

  it('refuses an audio-only file, naming it', async () => {
    const wav = generateTestClip(path.join(dir, 'tone.wav'), { seconds: 1 });
    await expect(readVideoFrames(wav).next()).rejects.toThrow(`${wav}: has no video stream`);
  });
});

describe('displayed geometry: what a player shows', () => {
  const frames = async (file: string, options: { width?: number } = {}) => {
    const out: { width: number; height: number; data: Uint8Array }[] = [];
    for await (const b of readVideoFrames(file, options)) out.push({ width: b.width, height: b.height, data: b.data });
    return out;
  };

  it('rotation metadata (phones): probe reports the displayed size; frames decode upright, bit for bit the upright clip', async () => {
    const upright = generateTestClip(path.join(dir, 'upright.mp4'), { seconds: 0.4, fps: 10, width: 64, height: 36, toneHz: false });
    const reference = await frames(upright);
    for (const rotation of [90, 180, 270] as const) {
      const turned = await writeDisplayRotated(upright, path.join(dir, `turned-${rotation}.mp4`), rotation);
      const info = await probe(turned);
      const stored = rotation === 180 ? [64, 36] : [36, 64];
      expect(info.video).toMatchObject({ rotation, width: 64, height: 36, codedWidth: stored[0], codedHeight: stored[1] });
      const got = await frames(turned);
      expect(got.map((b) => [b.width, b.height])).toEqual(reference.map(() => [64, 36]));
      got.forEach((b, i) => expect(Buffer.compare(Buffer.from(b.data), Buffer.from(reference[i].data))).toBe(0));
      // A requested width keeps the displayed aspect.
      expect((await frames(turned, { width: 32 }))[0]).toMatchObject({ width: 32, height: 18 });
    }
  });

  it('anamorphic video (sample aspect 4:3) decodes at its displayed aspect', async () => {
    const file = path.join(dir, 'anamorphic.mp4');
    const r = spawnSync(locateFfmpeg().ffmpeg, ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=96x54:rate=10:duration=0.3', '-vf', 'setsar=4/3', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', file]);
    expect(r.status).toBe(0);
    const info = await probe(file);
    expect(info.video).toMatchObject({ width: 128, height: 54, codedWidth: 96, sampleAspect: 4 / 3, rotation: 0 });
    expect((await frames(file))[0]).toMatchObject({ width: 128, height: 54 });
  });
});

describe('readAudio / decodeAudio', () => {
  it('decodes mono float PCM at the requested rate; the tone is where it should be', async () => {
    const { samples, sampleRate, duration } = await decodeAudio(clip, { sampleRate: 16000 });
    expect(sampleRate).toBe(16000);
    expect(duration).toBeGreaterThan(1.9);
    expect(duration).toBeLessThan(2.2);
    // 440 Hz: ~880 zero crossings per second in the steady middle second.
    const mid = samples.subarray(8000, 24000);
    let crossings = 0;
    for (let i = 1; i < mid.length; i++) if (mid[i - 1] < 0 !== mid[i] < 0) crossings++;
    expect(crossings).toBeGreaterThan(860);
    expect(crossings).toBeLessThan(900);
    expect(Math.max(...mid)).toBeLessThanOrEqual(1);
  });

  it('streams in chunks with start times', async () => {
    const starts: number[] = [];
    let total = 0;
    for await (const c of readAudio(clip, { sampleRate: 22050, chunkSeconds: 0.5 })) {
      starts.push(c.startTime);
      total += c.samples.length;
    }
    expect(starts.slice(0, 3)).toEqual([0, 0.5, 1]);
    expect(total / 22050).toBeCloseTo(2, 1);
  });

  it('no audio stream: an error naming the file, or silence when asked', async () => {
    const silent = generateTestClip(path.join(dir, 'silent.mp4'), { seconds: 1, toneHz: false });
    await expect(decodeAudio(silent)).rejects.toThrow(`${silent}: has no audio stream`);
    const { samples } = await decodeAudio(silent, { missingAudio: 'silence', sampleRate: 16000 });
    expect(samples.length).toBe(16000);
    expect(samples.every((v) => v === 0)).toBe(true);
  });
});
