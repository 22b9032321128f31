import type { FaceBox } from './face-detector';
import { FaceTracker } from './face-tracker';

const face = (x: number, y = 0.3, s = 0.2): FaceBox => ({ box: [x, y, x + s, y + s], score: 0.9, keypoints: [] });
const look = (...v: number[]) => Float32Array.from(v);

describe('FaceTracker: every face on a track with a stable id', () => {
  it('two people moving: each keeps its id, in whatever order the detector lists them', async () => {
    const t = new FaceTracker();
    const first = await t.update([face(0.1), face(0.6)], 0);
    expect(first.map((f) => f.id)).toEqual([1, 2]);
    for (let k = 1; k <= 10; k++) {
      const a = face(0.1 + k * 0.01);
      const b = face(0.6 - k * 0.01);
      const out = await t.update(k % 2 ? [b, a] : [a, b], k * 0.1);
      expect(out.find((f) => f.box[0] === a.box[0])!.id).toBe(1);
      expect(out.find((f) => f.box[0] === b.box[0])!.id).toBe(2);
    }
    expect(t.current().map((f) => f.id).sort()).toEqual([1, 2]);
  });

  it('a lost face is searched for again: back elsewhere with the same appearance, it takes up its id; a new person gets a new one', async () => {
    const t = new FaceTracker({ keepLostSeconds: 5 });
    const looks: Record<string, Float32Array> = { ann: look(1, 0, 0, 0.1), bob: look(0, 1, 0, 0.1), cy: look(0, 0, 1, 0.1) };
    const who = new Map<FaceBox, string>();
    const at = (x: number, name: string) => {
      const f = face(x);
      who.set(f, name);
      return f;
    };
    const describe = async (f: FaceBox) => looks[who.get(f)!];
    await t.update([at(0.1, 'ann'), at(0.6, 'bob')], 0, describe);
    t.observe(1, looks.ann); // the crops classified on the frames: appearance of each track
    t.observe(2, looks.bob);
    expect((await t.update([at(0.61, 'bob')], 1, describe)).map((f) => f.id)).toEqual([2]); // ann turned away
    const back = await t.update([at(0.4, 'ann'), at(0.62, 'bob'), at(0.05, 'cy')], 3, describe);
    expect(back.map((f) => f.id)).toEqual([1, 2, 3]);
    // Lost for longer than keepLostSeconds: the track is closed, the face opens a new one.
    await t.update([at(0.62, 'bob')], 4, describe);
    const late = await t.update([at(0.62, 'bob'), at(0.3, 'ann')], 10, describe);
    expect(late.map((f) => f.id)).toEqual([2, 4]);
  });

  it('without appearance, a face that continues no track opens a new one', async () => {
    const t = new FaceTracker();
    await t.update([face(0.1)], 0);
    await t.update([], 1);
    expect((await t.update([face(0.5)], 2)).map((f) => f.id)).toEqual([2]);
  });
});
