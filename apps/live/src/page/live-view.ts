/// <reference lib="dom" />
import { EXPRESSION_CLASSES } from '@mer/feature-extractors';
import type { AudioCells } from './live-audio';
import type { LiveFace } from './live-faces';

/** Seconds the timeline shows. */
export const TIMELINE_SECONDS = 30;
/** Seconds of valence/arousal trail on the circumplex. */
const TRAIL_SECONDS = 2;
const COLOURS = ['#d62728', '#8c564b', '#9467bd', '#2ca02c', '#1f77b4', '#ff7f0e', '#7f7f7f'];

/** One drawn moment: what the timeline and the trail keep. */
interface Moment {
  t: number;
  probabilities: number[] | null;
  va: [number, number] | null;
  speech: number;
}

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`mer live: the page has no #${id}`);
  return el as T;
}

/**
 * What the page shows: the face box over the video, the 7 expression bars, the valence/arousal point with
 * its trail on the circumplex, the microphone's speech probability, loudness and F0, and the last 30 s.
 */
export class LiveView {
  private readonly overlay = byId<HTMLCanvasElement>('overlay');
  private readonly circumplex = byId<HTMLCanvasElement>('circumplex');
  private readonly timeline = byId<HTMLCanvasElement>('timeline');
  private readonly bars: HTMLElement[] = [];
  private readonly moments: Moment[] = [];

  constructor() {
    const list = byId('bars');
    EXPRESSION_CLASSES.forEach((c, i) => {
      const row = document.createElement('div');
      row.className = 'bar';
      row.innerHTML = `<span class="label">${c}</span><span class="track"><span class="fill" style="background:${COLOURS[i]}"></span></span><span class="value">–</span>`;
      list.appendChild(row);
      this.bars.push(row);
    });
  }

  /**
   * The trained run's panel (`mer live --run`): its name, and per class the newest utterance's or
   * clip's probability ('waiting' before the first); `note` says what was scored and what the speaker's statistics cover.
   */
  runScores(name: string, probabilities: Record<string, number>, label: string, note: string): void {
    byId('run-panel').hidden = false;
    byId('run-title').textContent = `${name} run: ${label || 'waiting'}`;
    const bars = byId('run-bars');
    bars.replaceChildren(
      ...Object.entries(probabilities).map(([c, p]) => {
        const row = document.createElement('div');
        row.className = 'bar';
        row.innerHTML = `<span class="label"></span><span class="track"><span class="fill" style="background:#3f51b5;width:${(p * 100).toFixed(1)}%"></span></span><span class="value">${p.toFixed(2)}</span>`;
        (row.querySelector('.label') as HTMLElement).textContent = c;
        return row;
      }),
    );
    byId('run-note').textContent = note;
  }

  /**
   * A valence/arousal run's panel (`mer live --run` with MAVEN or TCN-fusion): its name, the newest
   * frame's valence and arousal as bars about 0 (null: none yet), and `note`.
   */
  runVa(name: string, valence: number | null, arousal: number | null, note: string): void {
    byId('run-panel').hidden = false;
    byId('run-title').textContent = `${name} run: ${valence === null ? 'waiting' : `valence ${valence.toFixed(2)}, arousal ${arousal!.toFixed(2)}`}`;
    byId('run-bars').replaceChildren(
      ...([['valence', valence], ['arousal', arousal]] as const).map(([c, v]) => {
        const row = document.createElement('div');
        row.className = 'bar';
        const x = Math.max(-1, Math.min(1, v ?? 0));
        const [left, width] = x < 0 ? [50 + 50 * x, -50 * x] : [50, 50 * x];
        row.innerHTML = `<span class="label">${c}</span><span class="track"><span class="fill" style="background:#3f51b5;margin-left:${left.toFixed(1)}%;width:${width.toFixed(1)}%"></span></span><span class="value">${v === null ? '–' : v.toFixed(2)}</span>`;
        return row;
      }),
    );
    byId('run-note').textContent = note;
  }

  /** A status line (backend, models, fps). */
  status(text: string): void {
    byId('status').textContent = text;
  }

  /** One processed frame: `t` page seconds, the face (or none) on a `width` × `height` frame, the audio cells. */
  show(t: number, face: LiveFace | null, audio: AudioCells, width: number, height: number): void {
    this.moments.push({ t, probabilities: face?.probabilities ?? null, va: face?.va ?? null, speech: audio.speech });
    while (this.moments.length && this.moments[0].t < t - TIMELINE_SECONDS) this.moments.shift();
    this.drawBox(face, width, height);
    this.bars.forEach((row, i) => {
      const p = face?.probabilities[i];
      (row.querySelector('.fill') as HTMLElement).style.width = `${((p ?? 0) * 100).toFixed(1)}%`;
      (row.querySelector('.value') as HTMLElement).textContent = p === undefined ? '–' : p.toFixed(2);
    });
    byId('speech-fill').style.width = `${(audio.speech * 100).toFixed(1)}%`;
    byId('speech').textContent = audio.speech.toFixed(2);
    byId('loudness-fill').style.width = `${Math.min(100, audio.loudness * 5).toFixed(1)}%`; // eGeMAPS loudness: ~5–15 for speech at a normal level
    byId('loudness').textContent = audio.loudness.toFixed(2);
    byId('f0').textContent = audio.f0 > 0 ? `${audio.f0.toFixed(0)} Hz` : 'unvoiced';
    this.drawCircumplex(t);
    this.drawTimeline(t);
  }

  private drawBox(face: LiveFace | null, width: number, height: number): void {
    const c = this.overlay;
    if (c.width !== width || c.height !== height) [c.width, c.height] = [width, height];
    const g = c.getContext('2d')!;
    g.clearRect(0, 0, width, height);
    if (!face) return;
    const [x0, y0, x1, y1] = face.face.box;
    g.strokeStyle = '#00e676';
    g.lineWidth = 3;
    g.strokeRect(x0 * width, y0 * height, (x1 - x0) * width, (y1 - y0) * height);
    const best = face.probabilities.indexOf(Math.max(...face.probabilities));
    g.fillStyle = '#00e676';
    g.font = '16px sans-serif';
    g.fillText(`${EXPRESSION_CLASSES[best]} ${face.probabilities[best].toFixed(2)}`, x0 * width, Math.max(16, y0 * height - 6));
  }

  private drawCircumplex(t: number): void {
    const c = this.circumplex;
    const g = c.getContext('2d')!;
    const [w, h] = [c.width, c.height];
    const r = Math.min(w, h) / 2 - 14;
    const at = (v: number, a: number): [number, number] => [w / 2 + v * r, h / 2 - a * r];
    g.clearRect(0, 0, w, h);
    g.strokeStyle = '#bbb';
    g.beginPath();
    g.arc(w / 2, h / 2, r, 0, 2 * Math.PI);
    g.moveTo(w / 2 - r, h / 2);
    g.lineTo(w / 2 + r, h / 2);
    g.moveTo(w / 2, h / 2 - r);
    g.lineTo(w / 2, h / 2 + r);
    g.stroke();
    g.fillStyle = '#666';
    g.font = '11px sans-serif';
    g.fillText('valence +', w - 58, h / 2 - 4);
    g.fillText('arousal +', w / 2 + 4, 11);
    const trail = this.moments.filter((m) => m.va && m.t >= t - TRAIL_SECONDS);
    trail.forEach((m, i) => {
      const [x, y] = at(m.va![0], m.va![1]);
      g.fillStyle = `rgba(33, 150, 243, ${((i + 1) / trail.length).toFixed(2)})`;
      g.beginPath();
      g.arc(x, y, i === trail.length - 1 ? 6 : 3, 0, 2 * Math.PI);
      g.fill();
    });
  }

  private drawTimeline(t: number): void {
    const c = this.timeline;
    const g = c.getContext('2d')!;
    const [w, h] = [c.width, c.height];
    const x = (s: number) => w - ((t - s) / TIMELINE_SECONDS) * w;
    g.clearRect(0, 0, w, h);
    g.fillStyle = 'rgba(0, 150, 136, 0.18)';
    for (const m of this.moments) if (m.speech > 0.5) g.fillRect(x(m.t), 0, Math.max(1, w / (TIMELINE_SECONDS * 30)), h);
    EXPRESSION_CLASSES.forEach((_, k) => {
      g.strokeStyle = COLOURS[k];
      g.beginPath();
      let drawing = false;
      for (const m of this.moments) {
        if (!m.probabilities) {
          drawing = false;
          continue;
        }
        const [px, py] = [x(m.t), h - 2 - m.probabilities[k] * (h - 4)];
        if (drawing) g.lineTo(px, py);
        else g.moveTo(px, py);
        drawing = true;
      }
      g.stroke();
    });
  }
}
