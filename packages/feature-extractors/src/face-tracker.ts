import type { FaceBox } from './face-detector';

/** A face on a track: its detection (or the box it was last detected with) and the track's id (1, 2, …). */
export interface TrackedFace extends FaceBox {
  id: number;
}

export interface FaceTrackerOptions {
  /** Least IoU with a track's last box for a detection to continue it. Default 0.3. */
  minIou?: number;
  /** Least cosine similarity of appearance for a detection to take up a lost track again. Default 0.9. */
  minSimilarity?: number;
  /** A lost track is searched for this many seconds before it is closed. Default 10. */
  keepLostSeconds?: number;
}

interface Track {
  id: number;
  face: FaceBox;
  lastSeen: number;
  /** Running mean of the appearance vectors seen on this track, or null before the first. */
  appearance: Float32Array | null;
  seen: number;
}

function iou(a: FaceBox['box'], b: FaceBox['box']): number {
  const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = w * h;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/**
 * Every face on its own track with a stable id. At each detection frame, detections continue the
 * tracks they overlap most (greedy by IoU); a detection that continues none is compared by appearance
 * with the tracks lost in the last `keepLostSeconds` and takes up the most similar one (so a person who
 * turned away or was hidden keeps their id), else it opens a new track. Between detection frames
 * {@link current} holds each visible track's last box.
 */
export class FaceTracker {
  private readonly tracks: Track[] = [];
  private visible: TrackedFace[] = [];
  private nextId = 1;
  private readonly minIou: number;
  private readonly minSimilarity: number;
  private readonly keepLost: number;

  constructor(options: FaceTrackerOptions = {}) {
    this.minIou = options.minIou ?? 0.3;
    this.minSimilarity = options.minSimilarity ?? 0.9;
    this.keepLost = options.keepLostSeconds ?? 10;
  }

  /**
   * This detection frame's faces on their tracks.
   * @param time the frame's time, seconds
   * @param describe the appearance vector of a detection; asked for only when a detection continues no visible track and lost tracks exist
   */
  async update(faces: readonly FaceBox[], time: number, describe?: (face: FaceBox) => Promise<Float32Array>): Promise<TrackedFace[]> {
    const visibleIds = new Set(this.visible.map((f) => f.id));
    const live = this.tracks.filter((t) => visibleIds.has(t.id));
    const pairs: { t: Track; d: number; o: number }[] = [];
    for (const t of live) faces.forEach((f, d) => pairs.push({ t, d, o: iou(t.face.box, f.box) }));
    pairs.sort((a, b) => b.o - a.o);
    const taken = new Map<number, Track>();
    const used = new Set<Track>();
    for (const p of pairs) {
      if (p.o < this.minIou) break;
      if (taken.has(p.d) || used.has(p.t)) continue;
      taken.set(p.d, p.t);
      used.add(p.t);
    }
    // Close tracks lost for too long; the others may be taken up again by appearance.
    for (let i = this.tracks.length - 1; i >= 0; i--) if (time - this.tracks[i].lastSeen > this.keepLost && !used.has(this.tracks[i])) this.tracks.splice(i, 1);
    for (let d = 0; d < faces.length; d++) {
      if (taken.has(d)) continue;
      const lost = this.tracks.filter((t) => !used.has(t) && t.appearance);
      let track: Track | undefined;
      let look: Float32Array | undefined;
      if (lost.length > 0 && describe) {
        look = await describe(faces[d]);
        let best = this.minSimilarity;
        for (const t of lost) {
          const s = cosine(look, t.appearance!);
          if (s >= best) [best, track] = [s, t];
        }
      }
      track ??= this.open(faces[d], time);
      if (look) this.add(track, look);
      taken.set(d, track);
      used.add(track);
    }
    this.visible = faces.map((f, d) => {
      const t = taken.get(d)!;
      t.face = f;
      t.lastSeen = time;
      return { ...f, id: t.id };
    });
    return this.visible;
  }

  private open(face: FaceBox, time: number): Track {
    const t: Track = { id: this.nextId++, face, lastSeen: time, appearance: null, seen: 0 };
    this.tracks.push(t);
    return t;
  }

  private add(t: Track, look: ArrayLike<number>): void {
    t.seen++;
    if (!t.appearance) t.appearance = Float32Array.from(look);
    else for (let i = 0; i < look.length; i++) t.appearance[i] += (look[i] - t.appearance[i]) / Math.min(t.seen, 50);
  }

  /** Adds an appearance vector seen on a track (e.g. from the crops classified on every frame). */
  observe(id: number, look: ArrayLike<number>): void {
    const t = this.tracks.find((x) => x.id === id);
    if (t) this.add(t, look);
  }

  /** The faces visible at the last detection frame, on their tracks (for the frames in between). */
  current(): TrackedFace[] {
    return this.visible;
  }
}
