import type { FaceBox, PixelFrame } from '@mer/feature-extractors';
import type { LiveDetector } from './live-faces';

/**
 * BlazeFace on the page's thread from the start, handed to its worker once the worker has opened it:
 * the page runs as soon as the thread's detector is ready (the worker loads the bundle, starts its
 * backend and opens BlazeFace: seconds more, many under load), then detects in the background. If the
 * worker fails, the thread's detector stays, and `note` says why.
 */
export class HandoffDetector implements LiveDetector {
  private current: LiveDetector;
  /** Why the worker was not taken, if it failed. */
  note: string | null = null;

  /**
   * @param thread the detector on the page's thread (kept open after the hand-off: a detection may be running on it)
   * @param worker the worker's detector, opening
   * @param onHandoff told when detection moves to the worker
   */
  constructor(thread: LiveDetector, worker: Promise<LiveDetector>, onHandoff: () => void = () => undefined, private readonly progress: () => string = () => 'starting') {
    this.current = thread;
    worker.then(
      (w) => {
        this.current = w;
        onHandoff();
      },
      (e: Error) => {
        this.note = `BlazeFace stays on the page's thread: ${e.message}`;
        console.warn('mer live:', this.note);
      },
    );
  }

  /** While the worker is not ready: how far it has come. */
  get pending(): string | null {
    return this.where === 'worker' || this.note ? null : `the worker is ${this.progress()}`;
  }

  /** Where detections run now. */
  get where(): 'main' | 'worker' {
    return this.current.background ? 'worker' : 'main';
  }

  get background(): boolean {
    return this.current.background;
  }

  detect(frame: PixelFrame): Promise<{ faces: FaceBox[]; ms: number }> {
    return this.current.detect(frame);
  }

  dispose(): void {
    this.current.dispose();
  }
}
