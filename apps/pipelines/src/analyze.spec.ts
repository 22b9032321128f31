import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateTestClip } from '@mer/media';
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
    expect(rows[0]).toBe('frame,timestamp,face_id,face_x,face_y,face_w,face_h,face_score,success,angry,disgust,fear,happy,sad,surprise,neutral,expression,speech_prob,loudness,f0_hz');
    expect(rows).toHaveLength(11);
    expect(rows.slice(1).every((l) => l.split(',')[8] === '0')).toBe(true);
    // The 220 Hz tone: pitched (F0 near 220 Hz) once the analysis window is inside the audio.
    const f0 = rows.slice(1).map((l) => Number(l.split(',').pop()));
    expect(f0.filter((f) => Math.abs(f - 220) < 5).length).toBeGreaterThanOrEqual(6);
    expect(fs.readFileSync(path.join(out, 'pattern.report.html'), 'utf8')).toContain('<svg');
    const summary = fs.readFileSync(r.summary, 'utf8').trim().split('\n');
    expect(summary).toHaveLength(3);
    expect(summary[2]).toContain(',failed,');
    expect(fs.readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
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
