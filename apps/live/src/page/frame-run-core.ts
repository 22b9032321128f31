import type { ClipRows, FrameRun } from '@mer/pipelines';
import { FrameAudio } from './frame-audio';
import type { KeptPrediction, LiveRows } from './frame-prediction';
import type { FaceRow } from './page-face-rows';
import { FramePlan, PAGE_FRAME_AUDIO } from './run-streams';

/** Rows a second: the camera's rate, and the frames `mer extract` makes of a 30 fps video. */
const FPS = 30;
/** A prediction every this many new frames (0.5 s). */
const HOP = 15;

const kept = (r: ClipRows): LiveRows<Float32Array | Uint8Array> => ({ data: r.data, mask: r.mask ?? new Uint8Array(r.frames).fill(1), frames: r.frames });

type Part = Record<string, { rows: Float32Array[]; mask: number[] }>;

/**
 * What a frame run does with the live stream once the page has its pieces, on whichever thread runs it
 * (no DOM: the page's thread or the run's worker). Rows come on a 30 fps grid from the first frame
 * ({@link FrameRunCore.frame}): the newest face row at each grid time (a frame the page skipped holds
 * the last one), the audio rows `mer extract` makes at that time ({@link FrameAudio}: a row is made
 * once the microphone has passed it by half a second, and the descriptors by up to 1.5 s), text rows
 * masked (no transcript in the page). Every 15 new rows (0.5 s) they join the session's statistics
 * (per-speaker runs standardise with them) and the run predicts the last window of its size.
 */
export class FrameRunCore {
  private readonly faces: FaceRow[] = [];
  /** Page time of the first microphone sample {@link FrameAudio} has. */
  private origin: number | null = null;
  private gridStart: number | null = null;
  private next = 0;
  private readonly window: Part;
  private fresh: Part;
  private readonly audio: FrameAudio;
  private queue: Promise<void> = Promise.resolve();
  /** Told when making rows or predicting fails. */
  onError: (e: Error) => void = (e) => console.error('mer live frame run:', e);
  /** Notes of the rows' making added to each prediction's (e.g. how many frames FaceRes embedded). */
  notes: () => string[] = () => [];

  constructor(
    readonly run: FrameRun,
    readonly plan: FramePlan,
    private readonly onPredicted: (p: KeptPrediction) => void,
  ) {
    this.window = this.empty();
    this.fresh = this.empty();
    this.audio = new FrameAudio(plan.audio.some((a) => PAGE_FRAME_AUDIO[a.kind].descriptors));
  }

  /** The microphone's next samples (16 kHz), `start` the page time (s) of the first one heard. */
  hear(chunk: Float32Array, start: number): void {
    this.origin ??= start;
    void this.audio.push(chunk);
  }

  /** A processed frame's face row (runs with a face stream), before {@link FrameRunCore.frame} for that frame. */
  face(row: FaceRow): void {
    this.faces.push(row);
  }

  /** A processed frame at page time `t` (s): rows up to it are made and predicted in the background; resolves when they are. */
  frame(t: number): Promise<void> {
    this.gridStart ??= t;
    this.queue = this.queue.then(() => this.advance(t)).catch((e: Error) => this.onError(e));
    return this.queue;
  }

  private empty(): Part {
    return Object.fromEntries(this.run.streams.map((s) => [s.name, { rows: [], mask: [] }]));
  }

  /** Makes the grid rows up to `now` whose audio is ready, and predicts every {@link HOP} of them. */
  private async advance(now: number): Promise<void> {
    const origin = this.origin;
    if (origin === null || this.gridStart === null) return;
    await this.audio.settled();
    const until = Math.min(now, origin + this.audio.readyUntil);
    const times: number[] = [];
    for (let t = this.gridStart + this.next / FPS; t <= until && t >= origin; t = this.gridStart + this.next / FPS) {
      times.push(t);
      this.next++;
    }
    if (times.length === 0) {
      if (this.gridStart + this.next / FPS < origin) this.next = Math.ceil((origin - this.gridStart) * FPS); // rows before the microphone started are never made
      return;
    }
    const dims = Object.fromEntries(this.run.streams.map((s) => [s.name, s.dim]));
    const add = (name: string, row: Float32Array, valid: boolean) => {
      for (const part of [this.window[name], this.fresh[name]]) {
        part.rows.push(row);
        part.mask.push(valid ? 1 : 0);
      }
    };
    if (this.plan.face) {
      for (const t of times) {
        let held: FaceRow | undefined;
        for (const f of this.faces) if (f.t <= t + 0.5 / FPS) held = f;
        add(this.plan.face.name, held?.data ?? new Float32Array(dims[this.plan.face.name]), held?.face ?? false);
      }
      // Face rows are kept from the newest one a made row held on: the crops can run seconds ahead of
      // the rows (the audio comes later, and a worker gets what the page held at once).
      const last = times[times.length - 1] + 0.5 / FPS;
      while (this.faces.length > 1 && this.faces[1].t <= last) this.faces.shift();
    }
    for (const a of this.plan.audio) {
      const rows = this.audio.rows(a.kind, times.map((t) => t - origin), FPS);
      const d = dims[a.name];
      times.forEach((_, i) => add(a.name, rows.slice(i * d, (i + 1) * d), true));
    }
    for (const name of this.plan.text) for (const _ of times) add(name, new Float32Array(dims[name]), false);
    const W = this.run.windowSize;
    for (const w of Object.values(this.window)) {
      w.rows.splice(0, Math.max(0, w.rows.length - W));
      w.mask.splice(0, Math.max(0, w.mask.length - W));
    }
    this.audio.trimBefore(times[times.length - 1] - origin - W / FPS);
    if (this.fresh[this.run.streams[0].name].rows.length >= HOP) await this.predict(times[times.length - 1]);
  }

  private async predict(time: number): Promise<void> {
    const pack = (part: Part): Record<string, ClipRows> =>
      Object.fromEntries(
        this.run.streams.map((s) => {
          const p = part[s.name];
          const data = new Float32Array(p.rows.length * s.dim);
          p.rows.forEach((r, i) => data.set(r, i * s.dim));
          return [s.name, { data, mask: Uint8Array.from(p.mask), frames: p.rows.length }];
        }),
      );
    const added = pack(this.fresh);
    this.fresh = this.empty();
    this.run.add(added);
    const window = pack(this.window);
    const frames = window[this.run.streams[0].name].frames;
    const { va, notes } = await this.run.predict(window);
    // The arrays are the prediction's own (the caller may transfer them to another thread).
    this.onPredicted({
      time,
      valence: va[2 * (frames - 1)],
      arousal: va[2 * (frames - 1) + 1],
      frames,
      notes: [...notes, ...this.notes(), ...this.plan.text.map((t) => `${t}: masked (no transcript in the page)`)],
      va,
      added: Object.fromEntries(Object.entries(added).map(([k, r]) => [k, kept(r)])),
      window: Object.fromEntries(Object.entries(window).map(([k, r]) => [k, kept(r)])),
    });
  }

  /** Waits for the rows under way, then closes the run. */
  async dispose(): Promise<void> {
    await this.queue;
    this.run.dispose();
  }
}
