/**
 * A resource opened when first asked for, once, and released with its owner. A face stream's models
 * are one: an audio-only corpus (EmoDB, MSP-Podcast) never opens BlazeFace or the face CNN, which
 * spares each extracting process the ~0.3 s of converting and opening them on ONNX Runtime.
 */
export class OnFirstUse<T> {
  private pending: Promise<T> | null = null;
  private value: T | null = null;
  private released = false;

  constructor(
    private readonly open: () => Promise<T>,
    private readonly release: (value: T) => void,
  ) {}

  /** The resource, opened on the first call (a failed opening fails every call after it the same way). */
  get(): Promise<T> {
    if (this.released) return Promise.reject(new Error('OnFirstUse: asked for after it was released'));
    this.pending ??= this.open().then((v) => {
      // Released while it was opening: let it go now.
      if (this.released) {
        this.release(v);
        throw new Error('OnFirstUse: released while it was opening');
      }
      this.value = v;
      return v;
    });
    return this.pending;
  }

  /** Whether it has been opened. */
  get opened(): boolean {
    return this.value !== null;
  }

  /** Releases the resource if it was opened (or, if it is opening, when it has). */
  dispose(): void {
    this.released = true;
    if (this.value !== null) this.release(this.value);
    this.value = null;
  }
}
