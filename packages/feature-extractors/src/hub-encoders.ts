import * as tf from '@tensorflow/tfjs-core';
import type { RawImage } from '@huggingface/transformers';
import { fromTransformersTensor } from '@mer/backend';
import { AudioOptions, readAudio } from '@mer/media';
import { HubModel, HubOptions, HubTensor, load, loadHubModel, resolveModel } from './hub-model';
import type { OnnxPlacement } from './onnx-session';
import { transformers } from './transformers-module';

/** A per-row vector from a model output: pooled output flattened, else the mean over tokens. @returns [N, D] */
function rows(out: Record<string, HubTensor>, name: string): tf.Tensor2D {
  const pooled = out['pooler_output'] ?? out['image_embeds'];
  if (pooled) {
    const t = fromTransformersTensor(pooled);
    const r = tf.reshape(t, [t.shape[0], -1]) as tf.Tensor2D;
    t.dispose();
    return r;
  }
  const hidden = out['last_hidden_state'];
  if (!hidden) throw new Error(`${name}: the model returned neither pooler_output nor last_hidden_state (${Object.keys(out).join(', ')})`);
  const t = fromTransformersTensor(hidden);
  const r = (t.rank === 4 ? tf.mean(t, [2, 3]) : tf.mean(t, 1)) as tf.Tensor2D;
  t.dispose();
  return r;
}

/**
 * A hub image encoder through transformers.js (Swin-B for MAVEN, a ResNet/IResNet-50 export for
 * TCN-fusion, or any image model with `pooler_output`/`last_hidden_state`), used as the face
 * embedder: crops go through the model's own image processor (resize, rescale, ImageNet mean/std).
 */
export class HubImageEncoder {
  private constructor(
    readonly id: string,
    private readonly processor: (images: RawImage[]) => Promise<Record<string, unknown>>,
    private readonly model: HubModel,
    readonly dim: number,
    readonly inputSize: number,
    /** Where its ONNX sessions run. */
    readonly placement: OnnxPlacement,
  ) {}

  static async fromPretrained(idOrPath: string, options: HubOptions = {}): Promise<HubImageEncoder> {
    const id = await resolveModel(idOrPath, options);
    const { AutoProcessor } = await transformers();
    const processor = await load('image processor', idOrPath, () => AutoProcessor.from_pretrained(id), options);
    const { model, placement } = await loadHubModel('image model', idOrPath, id, options);
    const size = (processor as unknown as { image_processor?: { config?: { size?: { height?: number; shortest_edge?: number } | number } } }).image_processor?.config?.size;
    const inputSize = typeof size === 'number' ? size : (size?.height ?? size?.shortest_edge ?? 224);
    const enc = new HubImageEncoder(idOrPath, processor as unknown as HubImageEncoder['processor'], model, 0, inputSize, placement);
    const probe = await enc.embed(tf.zeros([1, inputSize, inputSize, 3]) as tf.Tensor4D);
    const dim = probe.shape[1];
    probe.dispose();
    return new HubImageEncoder(idOrPath, enc.processor, model, dim, inputSize, placement);
  }

  /**
   * @param crops [N, S, S, 3] RGB, 0–255
   * @returns [N, dim]
   */
  async embed(crops: tf.Tensor4D): Promise<tf.Tensor2D> {
    const [n, h, w] = crops.shape;
    const pixels = await tf.tidy(() => tf.cast(tf.clipByValue(tf.round(crops), 0, 255), 'int32')).data();
    const { RawImage } = await transformers();
    const images = Array.from({ length: n }, (_, i) => new RawImage(Uint8ClampedArray.from(pixels.subarray(i * h * w * 3, (i + 1) * h * w * 3)), w, h, 3));
    const inputs = await this.processor(images);
    const out = await this.model(inputs);
    const result = rows(out, this.id);
    Object.values(out).forEach((t) => t.dispose?.());
    return result;
  }

  dispose(): void {
    void this.model.dispose();
  }
}

/** The frame whose span `[times[f], times[f + 1])` holds `t` (the last spans `lastSpan`), or −1. */
function frameAt(times: ArrayLike<number>, t: number, lastSpan: number): number {
  const n = times.length;
  if (n === 0 || t < times[0] || t >= times[n - 1] + lastSpan) return -1;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (times[mid] <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Hidden states of a speech model pooled onto video-frame times. */
export interface FrameAlignedAudio {
  /** [T, D] row-major. */
  data: Float32Array;
  dim: number;
  /** Hidden-state frames per second the model produced (HuBERT/wav2vec2: 50). */
  modelFrameRate: number;
}

/**
 * A hub speech encoder through transformers.js (HuBERT-base for MAVEN, or wav2vec2): the file is
 * streamed in chunks (default 20 s) at 16 kHz, each chunk normalised by the model's feature extractor
 * and encoded; hidden states are then averaged over each video frame's time span.
 */
export class HubAudioEncoder {
  private constructor(
    readonly id: string,
    private readonly extractor: (audio: Float32Array) => Promise<Record<string, unknown>>,
    private readonly model: HubModel,
    readonly sampleRate: number,
    /** Hidden-state width, as the model's config declares it (`hidden_size`). */
    readonly dim: number,
    /** Where its ONNX sessions run. */
    readonly placement: OnnxPlacement,
  ) {}

  static async fromPretrained(idOrPath: string, options: HubOptions = {}): Promise<HubAudioEncoder> {
    const id = await resolveModel(idOrPath, options);
    const { AutoProcessor } = await transformers();
    const extractor = await load('audio feature extractor', idOrPath, () => AutoProcessor.from_pretrained(id), options);
    const { model, placement } = await loadHubModel('audio model', idOrPath, id, options);
    const sr = (extractor as unknown as { feature_extractor?: { config?: { sampling_rate?: number } }; config?: { sampling_rate?: number } });
    const dim = (model as unknown as { config?: { hidden_size?: number } }).config?.hidden_size;
    if (!dim) throw new Error(`${idOrPath}: the model's config.json declares no hidden_size (the width of its hidden states)`);
    return new HubAudioEncoder(idOrPath, extractor as unknown as HubAudioEncoder['extractor'], model, sr.feature_extractor?.config?.sampling_rate ?? sr.config?.sampling_rate ?? 16000, dim, placement);
  }

  /** Hidden states of one chunk. @returns [frames, D] */
  async encode(samples: Float32Array): Promise<tf.Tensor2D> {
    // Conv front ends consume 320-sample strides: pad to a whole number of strides.
    const padded = new Float32Array(Math.max(400, Math.ceil(samples.length / 320) * 320));
    padded.set(samples);
    const inputs = await this.extractor(padded);
    const out = await this.model(inputs);
    const hidden = out['last_hidden_state'];
    if (!hidden) throw new Error(`${this.id}: the model returned no last_hidden_state (${Object.keys(out).join(', ')})`);
    const t = fromTransformersTensor(hidden);
    Object.values(out).forEach((x) => x.dispose?.());
    const r = tf.squeeze(t, [0]) as tf.Tensor2D;
    t.dispose();
    return r;
  }

  /** Streams `file` and pools hidden states onto video frames at `times` (each frame spans until the next; the last 1/`fps`). */
  async encodeFile(file: string, times: ArrayLike<number>, fps: number, options: AudioOptions & { chunkSeconds?: number } = {}): Promise<FrameAlignedAudio> {
    const frames = times.length;
    const sums: Float64Array[] = [];
    const counts = new Uint32Array(frames);
    let dim = 0;
    let rate = 0;
    let nearest: { t: number; v: Float32Array }[] = [];
    for await (const chunk of readAudio(file, { ...options, sampleRate: this.sampleRate, chunkSeconds: options.chunkSeconds ?? 20 })) {
      const h = await this.encode(chunk.samples);
      const values = await h.data();
      const [steps, d] = h.shape;
      h.dispose();
      dim = d;
      const stepSeconds = chunk.samples.length / this.sampleRate / steps;
      rate = 1 / stepSeconds;
      for (let k = 0; k < steps; k++) {
        const t = chunk.startTime + (k + 0.5) * stepSeconds;
        const f = frameAt(times, t, 1 / fps);
        const v = values.subarray(k * d, (k + 1) * d) as Float32Array;
        if (f >= 0 && f < frames) {
          sums[f] ??= new Float64Array(d);
          for (let j = 0; j < d; j++) sums[f][j] += v[j];
          counts[f]++;
        }
        nearest.push({ t, v: Float32Array.from(v) });
        if (nearest.length > 4) nearest = nearest.slice(-4);
      }
      // Frames shorter than a model step get no state of their own: filled from the nearest below.
      if (frames > 0 && counts.every((c) => c > 0)) break;
    }
    const data = new Float32Array(frames * dim);
    let last: Float64Array | null = null;
    for (let f = 0; f < frames; f++) {
      if (counts[f] > 0) {
        for (let j = 0; j < dim; j++) data[f * dim + j] = sums[f][j] / counts[f];
        last = sums[f].map((v) => v / counts[f]);
      } else if (last) {
        data.set(Float32Array.from(last), f * dim);
      } else if (nearest.length > 0) {
        data.set(nearest[0].v, f * dim);
      }
    }
    return { data, dim, modelFrameRate: rate };
  }

  dispose(): void {
    void this.model.dispose();
  }
}

/**
 * A hub text encoder through transformers.js (RoBERTa-base for MAVEN): tokenised with the model's
 * tokenizer (padding, truncation), encoded, and mean-pooled over real tokens (attention mask).
 */
export class HubTextEncoder {
  private constructor(
    readonly id: string,
    private readonly tokenizer: (texts: string[], options: Record<string, unknown>) => Record<string, HubTensor>,
    private readonly model: HubModel,
    readonly dim: number,
    /** Where its ONNX sessions run. */
    readonly placement: OnnxPlacement,
  ) {}

  static async fromPretrained(idOrPath: string, options: HubOptions = {}): Promise<HubTextEncoder> {
    const id = await resolveModel(idOrPath, options);
    const { AutoTokenizer } = await transformers();
    const tokenizer = await load('tokenizer', idOrPath, () => AutoTokenizer.from_pretrained(id), options);
    const { model, placement } = await loadHubModel('text model', idOrPath, id, options);
    const enc = new HubTextEncoder(idOrPath, tokenizer as unknown as HubTextEncoder['tokenizer'], model, 0, placement);
    const dim = (await enc.encode(['a'])).length;
    return new HubTextEncoder(idOrPath, enc.tokenizer, model, dim, placement);
  }

  /** @returns [texts.length, dim] row-major: attention-masked mean of the last hidden state. */
  async encode(texts: readonly string[]): Promise<Float32Array> {
    if (texts.length === 0) return new Float32Array(0);
    const inputs = this.tokenizer([...texts], { padding: true, truncation: true });
    const out = await this.model(inputs);
    const hidden = out['last_hidden_state'];
    if (!hidden) throw new Error(`${this.id}: the model returned no last_hidden_state (${Object.keys(out).join(', ')})`);
    const h = fromTransformersTensor(hidden); // [S, L, D]
    const m = fromTransformersTensor(inputs['attention_mask'], { dtype: 'float32' }); // [S, L]
    const pooled = tf.tidy(() => {
      const w = tf.expandDims(m, -1);
      return tf.div(tf.sum(tf.mul(h, w), 1), tf.maximum(tf.sum(w, 1), 1));
    });
    const data = (await pooled.data()) as Float32Array;
    tf.dispose([h, m, pooled]);
    Object.values(out).forEach((x) => x.dispose?.());
    return data;
  }

  dispose(): void {
    void this.model.dispose();
  }
}
