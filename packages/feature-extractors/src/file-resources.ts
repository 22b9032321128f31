import { decodeAudio, MediaInfo } from '@mer/media';
import type { ItemSources } from './extraction-types';
import { egemapsOfFile } from './acoustic/acoustic-file';
import type { AcousticLlds } from './acoustic/egemaps-llds';

/**
 * One file being extracted, as extractors see it: its path, probe facts and sources (transcript,
 * person, aligned crops), the notes it collects, and inputs several streams share (decoded audio
 * per sample rate — for clips —, eGeMAPS descriptors, anything an extractor keeps with {@link once}), each
 * computed at most once per file.
 */
export class FileResources {
  private readonly memo = new Map<unknown, Promise<unknown>>();

  constructor(
    readonly path: string,
    readonly info: MediaInfo,
    readonly sources: ItemSources,
    /** Problems met that did not stop extraction; extractors add theirs. */
    readonly notes: string[],
  ) {}

  get hasAudio(): boolean {
    return this.info.audio.length > 0;
  }

  /** `compute()` once per file and `key` (an extractor keeps per-file state under itself). */
  once<T>(key: unknown, compute: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = compute();
      this.memo.set(key, p);
    }
    return p;
  }

  /** The file's audio, mono at `sampleRate` (ffmpeg's resampler); silence when it has none. */
  audio(sampleRate: number): Promise<Float32Array> {
    return this.once(`audio@${sampleRate}`, async () => (await decodeAudio(this.path, { sampleRate, missingAudio: 'silence', info: this.info })).samples);
  }

  /**
   * The whole file's eGeMAPS descriptors (10 ms rows), or null when it has no audio. The decoded audio
   * is not kept (long videos): memory is 1 KB per second once computed.
   */
  llds(): Promise<AcousticLlds | null> {
    return this.once('egemaps-llds', async () => (this.hasAudio ? egemapsOfFile(this.path, this.info) : null));
  }
}
