import { AudioOptions, readAudio } from '@mer/media';
import type { LogMelConfig, Spectrogram } from './log-mel-spectrogram';
import { StreamingLogMel } from './streaming-log-mel';

/**
 * Streams a file's audio through the log-mel front end chunk by chunk (the raw PCM of only one
 * chunk is held; the spectrogram itself is ~25 KB per second). Missing audio is an error unless
 * `missingAudio: 'silence'`.
 */
export async function logMelOfFile(file: string, config: Partial<LogMelConfig> = {}, options: AudioOptions = {}): Promise<Spectrogram> {
  const rolling = new RollingLogMel(file, config, { chunkSeconds: 10, ...options });
  await rolling.ensureUntil(Infinity);
  const v = rolling.view();
  return { data: v.data.slice(), frames: v.frames, bands: v.bands, frameRate: v.frameRate };
}

/**
 * A log-mel spectrogram computed incrementally from a file and kept only over a sliding time
 * range, for streaming per-frame audio features: `ensureUntil(t)` reads audio until frames up to
 * `t` seconds exist (or the audio ends), `trimBefore(t)` forgets frames before `t`, `view()` is the
 * kept part with `startTime` (seconds of its first frame). Values equal {@link logMelOfFile}'s.
 */
export class RollingLogMel {
  private readonly stream: StreamingLogMel;
  private readonly chunks: AsyncGenerator<{ samples: Float32Array }>;
  private ended = false;

  constructor(file: string, config: Partial<LogMelConfig> = {}, options: AudioOptions = {}) {
    this.stream = new StreamingLogMel(config);
    this.chunks = readAudio(file, { chunkSeconds: 5, ...options, sampleRate: this.stream.front.config.sampleRate });
  }

  /** Whether the audio has been read to its end. */
  get done(): boolean {
    return this.ended;
  }

  async ensureUntil(seconds: number): Promise<void> {
    while (!this.ended && this.stream.total / this.stream.front.frameRate <= seconds) {
      const next = await this.chunks.next();
      if (next.done) {
        this.ended = true;
        break;
      }
      await this.stream.push(next.value.samples);
    }
  }

  trimBefore(seconds: number): void {
    this.stream.trimBefore(seconds);
  }

  /** The kept frames (a view: valid until the next `ensureUntil`/`trimBefore`). */
  view(): Spectrogram & { startTime: number } {
    return this.stream.view();
  }

  /** Stops reading (kills the decoder if the audio was not read to the end). */
  async close(): Promise<void> {
    await this.chunks.return(undefined);
  }
}
