import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRng } from '@mer/backend';
import { generateTestClip } from '@mer/media';
import type { PipelineItem } from './pipeline-types';

/**
 * The demo's data: synthetic clips that ffmpeg generates on the spot (no third-party media), made
 * so that the labels are honestly learnable from the audio-visual signal:
 * - valence-arousal clips: the picture is a textured grey field whose brightness follows valence,
 *   the sound a tone whose loudness and pitch follow arousal; both are slow random sinusoids per clip,
 *   and the per-frame labels are those same curves.
 * - classification clips: four classes = {dark, bright picture} × {low, high tone}, with random
 *   jitter in level, pitch and texture, so a model needs both modalities to get above 50 %.
 * They contain no faces: the demo runs the face stage in 'none' mode (the whole centred frame is
 * embedded), and says so.
 */
export interface DemoDataOptions {
  dir: string;
  /** Clips per split. Defaults: VA 10 train / 4 test; classification 6 per class train / 2 per class test. */
  seed?: number;
  seconds?: number;
  fps?: number;
  size?: number;
}

export const DEMO_CLASSES = ['dark-low', 'dark-high', 'bright-low', 'bright-high'] as const;

interface Curve {
  amplitude: number;
  period: number;
  phase: number;
  offset: number;
}

const at = (c: Curve, t: number) => c.offset + c.amplitude * Math.sin((2 * Math.PI * t) / c.period + c.phase);
const expr = (c: Curve, tName: string) => `(${c.offset.toFixed(4)}+${c.amplitude.toFixed(4)}*sin(2*PI*${tName}/${c.period.toFixed(4)}+${c.phase.toFixed(4)}))`;

function randomCurve(rng: ReturnType<typeof createRng>): Curve {
  const amplitude = 0.4 + 0.4 * rng.next();
  return { amplitude, period: 2 + 4 * rng.next(), phase: 2 * Math.PI * rng.next(), offset: (rng.next() - 0.5) * (1 - amplitude) };
}

/** Valence-arousal clips with per-frame labels. */
export function generateVaDemo(options: DemoDataOptions & { train?: number; test?: number }): PipelineItem[] {
  const rng = createRng(options.seed ?? 11);
  const seconds = options.seconds ?? 6;
  const fps = options.fps ?? 10;
  const size = options.size ?? 96;
  const items: PipelineItem[] = [];
  const counts: [string, number][] = [
    ['train', options.train ?? 10],
    ['test', options.test ?? 4],
  ];
  fs.mkdirSync(options.dir, { recursive: true });
  for (const [split, n] of counts) {
    for (let i = 0; i < n; i++) {
      const id = `va-${split}-${String(i).padStart(2, '0')}`;
      const v = randomCurve(rng);
      const a = randomCurve(rng);
      const grain = 3 + 4 * rng.next();
      // Brightness 128 ± 90 follows valence; a fixed texture so the face encoder sees structure.
      const lum = `clip(128+90*${expr(v, 'T')}+18*sin(X/${grain.toFixed(3)})*cos(Y/${grain.toFixed(3)}),0,255)`;
      const video = `color=c=gray:s=${size}x${size}:r=${fps}:d=${seconds},format=yuv420p,geq=lum='${lum}':cb=128:cr=128`;
      // Loudness 0.03..0.5 and pitch 220..660 Hz follow arousal (phase-integrated frequency).
      const level = `(0.265+0.235*${expr(a, 't')})`;
      const audio = `aevalsrc='${level}*sin(2*PI*(440*t-220*${a.amplitude.toFixed(4)}*${a.period.toFixed(4)}/(2*PI)*cos(2*PI*t/${a.period.toFixed(4)}+${a.phase.toFixed(4)})+220*${a.offset.toFixed(4)}*t))':s=16000:d=${seconds}`;
      const file = generateTestClip(path.join(options.dir, `${id}.mp4`), { videoLavfi: video, audioLavfi: audio });
      const frames = Math.round(seconds * fps);
      const labels = new Float32Array(frames * 2);
      for (let f = 0; f < frames; f++) {
        labels[f * 2] = at(v, f / fps);
        labels[f * 2 + 1] = at(a, f / fps);
      }
      items.push({ id, file, frameLabels: labels, split });
    }
  }
  return items;
}

/** Four-class clips (3.6 s) for the classification pipeline. */
export function generateClassDemo(options: DemoDataOptions & { perClassTrain?: number; perClassTest?: number }): PipelineItem[] {
  const rng = createRng(options.seed ?? 13);
  const seconds = options.seconds ?? 3.6;
  const fps = options.fps ?? 10;
  const size = options.size ?? 96;
  const items: PipelineItem[] = [];
  fs.mkdirSync(options.dir, { recursive: true });
  for (const [split, n] of [
    ['train', options.perClassTrain ?? 6],
    ['test', options.perClassTest ?? 2],
  ] as [string, number][]) {
    for (let c = 0; c < DEMO_CLASSES.length; c++) {
      for (let i = 0; i < n; i++) {
        const id = `cls-${split}-${DEMO_CLASSES[c]}-${i}`;
        const bright = c >= 2;
        const high = c % 2 === 1;
        const level = (bright ? 170 : 85) + (rng.next() - 0.5) * 50;
        const grain = 3 + 4 * rng.next();
        const lum = `clip(${level.toFixed(1)}+25*sin(X/${grain.toFixed(3)}+T)*cos(Y/${grain.toFixed(3)}),0,255)`;
        const video = `color=c=gray:s=${size}x${size}:r=${fps}:d=${seconds},format=yuv420p,geq=lum='${lum}':cb=128:cr=128`;
        const pitch = (high ? 700 : 250) * (0.85 + 0.3 * rng.next());
        const vibrato = 2 + 4 * rng.next();
        const audio = `aevalsrc='0.3*sin(2*PI*${pitch.toFixed(1)}*t+3*sin(2*PI*${vibrato.toFixed(2)}*t))':s=22050:d=${seconds}`;
        const file = generateTestClip(path.join(options.dir, `${id}.mp4`), { videoLavfi: video, audioLavfi: audio });
        items.push({ id, file, classLabel: c, split });
      }
    }
  }
  return items;
}
