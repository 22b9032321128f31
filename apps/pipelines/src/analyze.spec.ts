import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';
import { generateTestClip, locateFfmpeg } from '@mer/media';
import { analyze } from './analyze';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-analyze-'));
const clips = path.resolve(__dirname, '../../../../shared/data/clips');

describe('mer analyze: a video in, per-frame expressions out, nothing trained', () => {
  it('writes a row per decoded frame (no face in a test pattern: success 0), a report and a summary; a broken file is reported, the rest go on', async () => {
    const clip = generateTestClip(path.join(dir, 'pattern.mp4'), { seconds: 1, fps: 10, toneHz: 220 });
    const broken = path.join(dir, 'broken.mp4');
    fs.writeFileSync(broken, 'not a video');
    const out = path.join(dir, 'out');
    const r = await analyze([clip, broken], { out });
    expect(r.failed.map((f) => f.file)).toEqual([broken]);
    expect(r.failed[0].error).toContain('broken.mp4');
    const rows = fs.readFileSync(path.join(out, 'pattern.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('frame,timestamp,face_id,face_x,face_y,face_w,face_h,face_score,success,angry,disgust,fear,happy,sad,surprise,neutral,expression,valence,arousal,speech_prob,loudness,f0_hz');
    expect(rows).toHaveLength(11);
    expect(rows.slice(1).every((l) => l.split(',')[8] === '0')).toBe(true);
    // No face: the box, score, expression and valence/arousal cells are empty (README: "empty cells where no face"), not 0.
    expect(rows.slice(1).every((l) => l.split(',').slice(2, 8).every((c) => c === '') && l.split(',').slice(9, 19).every((c) => c === ''))).toBe(true);
    // The 220 Hz tone: pitched (F0 near 220 Hz) once the analysis window is inside the audio.
    const f0 = rows.slice(1).map((l) => Number(l.split(',').pop()));
    expect(f0.filter((f) => Math.abs(f - 220) < 5).length).toBeGreaterThanOrEqual(6);
    expect(fs.readFileSync(path.join(out, 'pattern.report.html'), 'utf8')).toContain('no face in 10/10 frames');
    const summary = fs.readFileSync(r.summary, 'utf8').trim().split('\n');
    expect(summary).toHaveLength(3);
    expect(summary[2]).toContain(',failed,');
    expect(fs.readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('--faces all: two people, each on a track with a stable face_id; the one hidden for a while gets its id back; VA columns follow the table', async () => {
    // Two copies of a real face (the portrait in human's FaceID screenshot, MIT) side by side; the right one hidden for 0.8–1.4 s.
    const portrait = path.join(path.dirname(require.resolve('@vladmandic/human')), '../assets/screenshot-faceid.jpg');
    const clip = path.join(dir, 'two.mp4');
    const filter = "[0]crop=160:160:4:132,split[a][b];[a][b]hstack,drawbox=x=160:y=0:w=160:h=160:color=black:t=fill:enable='between(t,0.8,1.4)',format=yuv420p";
    execFileSync(locateFfmpeg().ffmpeg, ['-loglevel', 'error', '-y', '-loop', '1', '-i', portrait, '-t', '2', '-r', '10', '-filter_complex', filter, clip]);
    const out = path.join(dir, 'two');
    const before = tf.memory().numTensors;
    const r = await analyze([clip], { out, face: 'all', detectEvery: 1 });
    expect(tf.memory().numTensors).toBe(before); // nothing left behind: memory stays flat however long the video
    expect(r.failed).toEqual([]);
    expect(r.files[0].faces).toBe(2);
    const rows = fs.readFileSync(path.join(out, 'two.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const idsAt = (frame: number) => rows.filter((c) => Number(c[0]) === frame).map((c) => [Number(c[3]) < 160 ? 'left' : 'right', c[2]]);
    expect(idsAt(0).map((x) => x[0]).sort()).toEqual(['left', 'right']);
    expect(idsAt(0).map((x) => x[1]).sort()).toEqual(['1', '2']);
    const leftId = idsAt(0).find((x) => x[0] === 'left')![1];
    const rightId = idsAt(0).find((x) => x[0] === 'right')![1];
    expect(idsAt(10).map((x) => x[0])).toEqual(['left']); // hidden
    for (const f of [5, 17, 19]) {
      expect(Object.fromEntries(idsAt(f))).toEqual({ left: leftId, right: rightId });
    }
    // valence/arousal: the probability-weighted Russell & Mehrabian places.
    const table = { angry: [-0.51, 0.59], disgust: [-0.6, 0.35], fear: [-0.64, 0.6], happy: [0.81, 0.51], sad: [-0.63, -0.27], surprise: [0.4, 0.67], neutral: [0, 0] };
    const c = rows[0];
    const p = c.slice(9, 16).map(Number);
    const v = Object.values(table).reduce((s, [tv], i) => s + p[i] * tv, 0);
    expect(Number(c[17])).toBeCloseTo(v, 3);
    expect(fs.readFileSync(path.join(out, 'two.report.html'), 'utf8')).toMatch(/face 1 \(\d+ frames\)[\s\S]*face 2 \(\d+ frames\)[\s\S]*circumplex trail/);
  });

  it('two processes (workers: 2) write the rows of one process', async () => {
    const portrait = path.join(path.dirname(require.resolve('@vladmandic/human')), '../assets/screenshot-faceid.jpg');
    const clip = path.join(dir, 'moving.mp4');
    const filter = "[0]crop=160:160:4:132,scale=200:200[f];color=c=gray:s=640x360:r=15[bg];[bg][f]overlay=x='100+40*t':y=80:shortest=1,format=yuv420p[v]";
    execFileSync(locateFfmpeg().ffmpeg, ['-loglevel', 'error', '-y', '-loop', '1', '-i', portrait, '-f', 'lavfi', '-i', 'sine=frequency=300:sample_rate=16000:duration=4', '-filter_complex', filter, '-map', '[v]', '-map', '1:a', '-t', '4', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', clip]);
    const csv = async (workers: number) => {
      const out = path.join(dir, `w${workers}`);
      const r = await analyze([clip], { out, workers });
      expect(r.failed).toEqual([]);
      return fs.readFileSync(path.join(out, 'moving.csv'), 'utf8');
    };
    const one = await csv(1);
    expect(one.trim().split('\n').slice(1).filter((l) => l.split(',')[8] === '1')).toHaveLength(60);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fork = jest.spyOn(require('node:child_process'), 'fork');
    expect(await csv(2)).toBe(one);
    expect(fork).toHaveBeenCalledTimes(1); // the second process did run
    fork.mockRestore();
  });

  // The real clips, where ../shared/data exists.
  const real = fs.existsSync(clips) ? ['talking-utterance.mp4', 'ravdess-01-01-01-01-01-01-01.mp4'] : [];
  if (real.length > 0) {
    it('real clips: a face in ≥ 95 % of frames; the RAVDESS neutral clip reads as neutral', async () => {
      const r = await analyze(
        real.map((c) => path.join(clips, c)),
        { out: path.join(dir, 'real') },
      );
      expect(r.failed).toEqual([]);
      for (const f of r.files) expect(f.faceFrames / f.frames).toBeGreaterThanOrEqual(0.95);
      expect(r.files[1].dominantExpression).toBe('neutral');
      expect(r.files[0].speechFraction).toBeGreaterThan(0.8);
    });
  }
});
