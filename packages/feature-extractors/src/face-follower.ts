import type { FaceBox } from './face-detector';

export type FaceSelection = 'main' | 'largest' | 'left' | 'right';

const area = (f: FaceBox) => (f.box[2] - f.box[0]) * (f.box[3] - f.box[1]);
const centreX = (b: FaceBox['box']) => (b[0] + b[2]) / 2;

/** The detected face a track follows: by rule where the rule decides, else the one nearest the previous box. */
export function pickFace(faces: readonly FaceBox[], select: FaceSelection, previous: FaceBox['box'] | null): FaceBox | undefined {
  if (faces.length === 0) return undefined;
  if (select === 'main') return [...faces].sort((a, b) => area(b) * b.score - area(a) * a.score)[0];
  if (select === 'largest') return [...faces].sort((a, b) => area(b) - area(a))[0];
  if (faces.length === 1 && previous) {
    // One face seen: it is this person only if it is where this person was (else the other person is visible).
    const only = faces[0];
    return Math.abs(centreX(only.box) - centreX(previous)) < (previous[2] - previous[0]) ? only : undefined;
  }
  const byX = [...faces].sort((a, b) => centreX(a.box) - centreX(b.box));
  return select === 'left' ? byX[0] : byX[byX.length - 1];
}

/**
 * Follows one person across detection frames: each detection picks the face by `select`, and
 * remembers where that person was last seen — also through frames where they are not found — so a
 * `left`/`right` track never jumps to the other person when its own person leaves the picture.
 */
export class FaceFollower {
  private lastSeen: FaceBox['box'] | null = null;

  constructor(readonly select: FaceSelection = 'main') {}

  /** The followed face among this frame's detections, or undefined when it is not there. */
  update(faces: readonly FaceBox[]): FaceBox | undefined {
    const face = pickFace(faces, this.select, this.lastSeen);
    if (face) this.lastSeen = face.box;
    return face;
  }
}
