import type { FaceBox } from './face-detector';
import { FaceFollower, pickFace } from './face-follower';

const face = (x0: number, size: number, score = 0.9): FaceBox => ({ box: [x0, 0.3, x0 + size, 0.3 + size], score, keypoints: [] });

describe('which face a track follows', () => {
  const left = face(0.1, 0.2);
  const right = face(0.6, 0.3, 0.7);

  it('main = largest × most confident; largest; left-most; right-most', () => {
    expect(pickFace([left, right], 'main', null)).toBe(right); // 0.09·0.7 > 0.04·0.9
    expect(pickFace([left, face(0.5, 0.2, 0.99)], 'main', null)!.score).toBe(0.99);
    expect(pickFace([right, left], 'largest', null)).toBe(right);
    expect(pickFace([right, left], 'left', null)).toBe(left);
    expect(pickFace([right, left], 'right', null)).toBe(right);
  });

  it('a two-person track stays on its person when only the other one is seen', () => {
    // The left person's track, last seen at x 0.1–0.3; now only the right person is detected.
    expect(pickFace([right], 'left', left.box)).toBeUndefined();
    // The left person moved a little and is the only one seen: still them.
    const moved = face(0.15, 0.2);
    expect(pickFace([moved], 'left', left.box)).toBe(moved);
    expect(pickFace([], 'right', right.box)).toBeUndefined();
  });

  it('a followed person stays themselves while out of the picture, however many detections pass', () => {
    const f = new FaceFollower('left');
    expect(f.update([right, left])).toBe(left);
    expect(f.update([right])).toBeUndefined(); // the left person left
    expect(f.update([right])).toBeUndefined(); // still gone: the track does not jump to the right person
    const back = face(0.12, 0.2);
    expect(f.update([right, back])).toBe(back);
  });
});
