import type { FaceBox } from '@mer/feature-extractors';
import { HandoffDetector } from './handoff-detector';
import type { LiveDetector } from './live-faces';

const face = (x: number): FaceBox => ({ box: [x, 0, x + 0.1, 0.1], score: 0.9, keypoints: [] });
const frame = { data: new Uint8Array(12), width: 2, height: 2 };

function stand(x: number, background: boolean): LiveDetector & { disposed: boolean } {
  return { background, disposed: false, detect: async () => ({ faces: [face(x)], ms: 1 }), dispose() { this.disposed = true; } };
}

describe('HandoffDetector: the page-thread detector until the worker has opened its own', () => {
  it('detects on the thread, then in the worker once it is ready (in the background), keeping the thread one open', async () => {
    let ready!: (d: LiveDetector) => void;
    const thread = stand(0.1, false);
    const handed: string[] = [];
    const d = new HandoffDetector(thread, new Promise((r) => (ready = r)), () => handed.push('worker'), () => 'opening BlazeFace');
    expect([d.where, d.background, d.pending]).toEqual(['main', false, 'the worker is opening BlazeFace']);
    expect((await d.detect(frame)).faces[0].box[0]).toBe(0.1);
    ready(stand(0.5, true));
    await new Promise((r) => setTimeout(r));
    expect([d.where, d.background, d.pending, handed]).toEqual(['worker', true, null, ['worker']]);
    expect((await d.detect(frame)).faces[0].box[0]).toBe(0.5);
    expect(thread.disposed).toBe(false);
  });

  it('stays on the thread when the worker fails, and says why', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const d = new HandoffDetector(stand(0.1, false), Promise.reject(new Error('no module workers')));
    await new Promise((r) => setTimeout(r));
    expect([d.where, d.background, d.pending]).toEqual(['main', false, null]);
    expect(d.note).toBe("BlazeFace stays on the page's thread: no module workers");
    expect((await d.detect(frame)).faces[0].box[0]).toBe(0.1);
    warn.mockRestore();
  });
});
