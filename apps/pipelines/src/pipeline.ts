import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, writeFileAtomic } from '@mer/backend';
import { FeatureStore, fixedWindows, OverlapAverager, SequenceDataset } from '@mer/datasets';
import { ExtractedStream, ExtractionReport, PipelineExtractor, PipelineExtractorOptions, PipelineName, PIPELINE_NAMES, StreamSpec } from '@mer/feature-extractors';
import { ClassificationMetrics, ConfusionMatrixAccumulator, ValenceArousalAccumulator, ValenceArousalMetrics } from '@mer/metrics';
import { ClipDataset } from './clip-dataset';
import { FeatureStats, featureStats, PIPELINE_TASK, PipelineModel, Task } from './pipeline-model';
import { EpochRecord, trainModel } from './trainer';
import { TrainingConfig, trainingConfig } from './training-config';

/** One labelled (or unlabelled, for prediction) media file. */
export interface PipelineItem {
  id: string;
  /** Video (or audio-only) file. */
  file: string;
  /** Transcript for MAVEN's text stream (bracket lines, SRT, VTT). */
  transcript?: string;
  /** Classification target (AVT-CA). */
  classLabel?: number;
  /** Per-frame [T, 2] valence/arousal, −5 = unlabelled (MAVEN, TCN-fusion). Row count is authoritative. */
  frameLabels?: Float32Array;
  split?: string;
}

export interface PipelineOptions {
  /** Model preset: 'paper' (default), 'official-code', 'lite' (AVT-CA also 'features'). */
  preset?: string;
  extractor?: PipelineExtractorOptions;
  training?: Partial<TrainingConfig>;
  /** Class names (classification pipelines). Default: RAVDESS' eight. */
  classes?: readonly string[];
  /** Model config overrides on top of the preset. */
  model?: Record<string, unknown>;
}

export interface FitOptions {
  validation?: readonly PipelineItem[];
  /** Where features are cached (reused across runs with the same extractor config). Default `<runDir>/features`. */
  featuresDir?: string;
  /** Where checkpoints, metrics.jsonl and the best model go. Default a temporary folder. */
  runDir?: string;
  resume?: boolean;
  onEpoch?: (record: EpochRecord) => void;
  onBatch?: (epoch: number, done: number, total: number) => void;
  onExtract?: (id: string, index: number, status: string) => void;
  /** Stop after this many epochs in this call (the run can be resumed). */
  stopAfter?: number;
}

export type PipelineMetrics = { task: 'va'; va: ValenceArousalMetrics; items: number } | { task: 'classification'; classification: ClassificationMetrics; items: number };

export interface FramePrediction {
  frame: number;
  time: number;
  valence: number;
  arousal: number;
}

export type Prediction =
  | { task: 'va'; file: string; fps: number; frameCount: number; frames: FramePrediction[]; notes: string[] }
  | { task: 'classification'; file: string; classes: readonly string[]; probabilities: number[]; label: string; notes: string[] };

/** What `pipeline.json` in a run folder holds. */
interface PipelineManifest {
  pipeline: PipelineName;
  preset: string;
  extractor: PipelineExtractorOptions;
  training: TrainingConfig;
  classes?: readonly string[];
  streams: StreamSpec[];
  model?: Record<string, unknown>;
  /** Per-stream input standardisation from the training set. */
  normalisation?: Record<string, FeatureStats>;
}

const RAVDESS_CLASSES = ['neutral', 'calm', 'happy', 'sad', 'angry', 'fearful', 'disgust', 'surprised'];

/** Builds a pipeline: extractors, the network (built on first fit), training setup. */
export async function createPipeline(name: PipelineName, options: PipelineOptions = {}): Promise<Pipeline> {
  if (!PIPELINE_NAMES.includes(name)) throw new Error(`unknown pipeline '${name}' (${PIPELINE_NAMES.join(', ')})`);
  await initBackend();
  const extractor = await PipelineExtractor.create(name, options.extractor);
  const task = PIPELINE_TASK[name];
  const classes = task === 'classification' ? (options.classes ?? RAVDESS_CLASSES) : undefined;
  return new Pipeline(name, options.preset ?? 'paper', extractor, trainingConfig(name, options.training), classes, options.model, null, options.extractor ?? {});
}

/** Loads a trained pipeline from a run folder (its `pipeline.json` and best model). */
export async function loadPipeline(runDir: string): Promise<Pipeline> {
  const file = path.join(runDir, 'pipeline.json');
  if (!fs.existsSync(file)) throw new Error(`${runDir}: not a mer run folder (no pipeline.json)`);
  const m = JSON.parse(fs.readFileSync(file, 'utf8')) as PipelineManifest;
  await initBackend();
  const best = path.join(runDir, 'best');
  if (!fs.existsSync(best)) throw new Error(`${runDir}: no trained model yet (no best/ folder) — was training interrupted before the first epoch ended?`);
  const extractor = await PipelineExtractor.create(m.pipeline, m.extractor);
  const model = PipelineModel.load(m.pipeline, best);
  const pipeline = new Pipeline(m.pipeline, m.preset, extractor, m.training, m.classes, m.model, model, m.extractor);
  if (m.normalisation) pipeline.setNormalisation(m.normalisation);
  return pipeline;
}

/**
 * One of the three published pipelines, end to end, with tensors hidden: `extract` features from
 * media (cached, resumable), `fit` on labelled items (checkpoints, resume), `evaluate` with the
 * pipeline's metrics, `predict` on a raw video. Call `dispose()` when done.
 */
export class Pipeline {
  readonly task: Task;
  private normalisation: Record<string, FeatureStats> = {};

  constructor(
    readonly name: PipelineName,
    readonly preset: string,
    readonly extractor: PipelineExtractor,
    readonly training: TrainingConfig,
    readonly classes: readonly string[] | undefined,
    private readonly modelOverrides: Record<string, unknown> | undefined,
    private model: PipelineModel | null,
    private readonly extractorOptions: PipelineExtractorOptions,
  ) {
    this.task = PIPELINE_TASK[name];
  }

  /** The network (built on the first `fit`, or loaded). */
  get network(): PipelineModel {
    if (!this.model) throw new Error(`${this.name}: no model yet — fit() or loadPipeline() first`);
    return this.model;
  }

  private ensureModel(): PipelineModel {
    if (!this.model) {
      this.model = PipelineModel.create(this.name, this.preset, this.extractor.streams, { numClasses: this.classes?.length, overrides: this.modelOverrides, seed: this.training.seed });
      this.model.setNormalisation(this.normalisation);
    }
    return this.model;
  }

  /** Input standardisation per stream (set by `fit` from the training features). */
  setNormalisation(stats: Record<string, FeatureStats>): void {
    this.normalisation = stats;
    this.model?.setNormalisation(stats);
  }

  /** Extracts (or reuses) every item's features into `featuresDir`. */
  async extract(items: readonly PipelineItem[], featuresDir: string, onItem?: FitOptions['onExtract']): Promise<ExtractionReport> {
    return this.extractor.extractAll(items, featuresDir, onItem);
  }

  private checkLabels(items: readonly PipelineItem[]): void {
    for (const item of items) {
      if (this.task === 'va' && !item.frameLabels) throw new Error(`${item.file}: item '${item.id}' has no per-frame valence/arousal labels`);
      if (this.task === 'classification') {
        const k = this.classes!.length;
        if (item.classLabel === undefined || !Number.isInteger(item.classLabel) || item.classLabel < 0 || item.classLabel >= k) {
          throw new Error(`${item.file}: item '${item.id}' has class label ${item.classLabel}, expected 0..${k - 1} (${this.classes!.join(', ')})`);
        }
      }
    }
  }

  private async stores(items: readonly PipelineItem[], featuresDir: string, onItem?: FitOptions['onExtract']): Promise<Record<string, FeatureStore>> {
    const report = await this.extract(items, featuresDir, onItem);
    if (report.failed.length > 0) {
      const f = report.failed[0];
      throw new Error(`feature extraction failed for ${report.failed.length} item(s); first: ${f.file}: ${f.error}`);
    }
    return this.extractor.openStores(featuresDir);
  }

  private dataset(stores: Record<string, FeatureStore>, items: readonly PipelineItem[], window: TrainingConfig['window']) {
    if (this.task === 'classification') return new ClipDataset(stores, items);
    return new SequenceDataset(
      stores,
      items.map((i) => ({ id: i.id, frameLabels: i.frameLabels })),
      { window: window ?? undefined, requireValid: [] },
    );
  }

  /** Trains on `items` (extracting their features first). Returns the per-epoch records. */
  async fit(items: readonly PipelineItem[], options: FitOptions = {}): Promise<EpochRecord[]> {
    if (items.length === 0) throw new Error(`${this.name}: no training items`);
    this.checkLabels(items);
    this.checkLabels(options.validation ?? []);
    const runDir = options.runDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `mer-run-${this.name}-`));
    const featuresDir = options.featuresDir ?? path.join(runDir, 'features');
    const stores = await this.stores([...items, ...(options.validation ?? [])], featuresDir, options.onExtract);
    if (!options.resume || Object.keys(this.normalisation).length === 0) {
      this.setNormalisation(Object.fromEntries(Object.entries(stores).map(([m, s]) => [m, featureStats(s, items.map((i) => i.id))])));
    }
    const model = this.ensureModel();
    this.writeManifest(runDir);
    const train = this.dataset(stores, items, this.training.window);
    const validation = options.validation && options.validation.length > 0 ? options.validation : null;
    const validationClips = validation && this.task === 'classification' ? new ClipDataset(stores, validation) : undefined;
    const history = await trainModel(model, train, this.training, {
      runDir,
      resume: options.resume,
      stopAfter: options.stopAfter,
      onEpoch: options.onEpoch,
      onBatch: options.onBatch,
      validate: validation
        ? async () => {
            const m = await this.evaluateStored(stores, validation, validationClips);
            return { score: m.task === 'va' ? m.va.ccc : m.classification.macroF1, metrics: summariseMetrics(m) };
          }
        : undefined,
    });
    // Continue with the best epoch's weights.
    const best = PipelineModel.load(this.name, path.join(runDir, 'best'));
    model.dispose();
    best.setNormalisation(this.normalisation);
    this.model = best;
    return history;
  }

  private writeManifest(runDir: string): void {
    const manifest: PipelineManifest = {
      pipeline: this.name,
      preset: this.preset,
      extractor: this.extractorOptions,
      training: this.training,
      classes: this.classes,
      streams: this.extractor.streams,
      model: this.modelOverrides,
      normalisation: this.normalisation,
    };
    writeFileAtomic(path.join(runDir, 'pipeline.json'), JSON.stringify(manifest, null, 2));
  }

  /** Saves the pipeline (config + current model) as a run folder `loadPipeline` reads. */
  async save(runDir: string): Promise<void> {
    this.writeManifest(runDir);
    await this.network.save(path.join(runDir, 'best'));
  }

  /** The pipeline's metrics on labelled items (features extracted/reused in `featuresDir`). */
  async evaluate(items: readonly PipelineItem[], options: { featuresDir?: string } = {}): Promise<PipelineMetrics> {
    this.checkLabels(items);
    const featuresDir = options.featuresDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `mer-eval-${this.name}-`));
    return this.evaluateStored(await this.stores(items, featuresDir), items);
  }

  /**
   * Metrics of stored features. Clip datasets are small and may be passed in once (validation every
   * epoch); frame-level items are read from the stores one at a time.
   */
  private async evaluateStored(stores: Record<string, FeatureStore>, items: readonly PipelineItem[], clips?: ClipDataset): Promise<PipelineMetrics> {
    const model = this.network;
    if (this.task === 'classification') {
      const acc = new ConfusionMatrixAccumulator(this.classes!.length, this.classes);
      const data = clips ?? new ClipDataset(stores, items);
      for (const batch of data.batches({ batchSize: 32 })) {
        const probs = tf.tidy(() => {
          const out = model.forward(batch);
          return out.kind === 'classification' ? tf.softmax(out.logits) : tf.zeros([0]);
        });
        acc.updateFromScores(await batch.classLabels!.data(), await probs.data());
        probs.dispose();
        batch.dispose();
      }
      return { task: 'classification', classification: acc.result(), items: items.length };
    }
    const acc = new ValenceArousalAccumulator();
    for (const item of items) {
      const streams: Record<string, ExtractedStream> = {};
      for (const [m, store] of Object.entries(stores)) {
        const s = store.read(item.id);
        streams[m] = { data: s.data, mask: s.mask, frames: s.frames, dim: s.dim };
      }
      const labels = item.frameLabels!;
      const frames = labels.length / 2;
      const va = await this.predictFrames(streams, frames);
      const pick = (src: Float32Array, d: number) => Float32Array.from({ length: frames }, (_, t) => src[t * 2 + d]);
      acc.update({ valence: pick(va, 0), arousal: pick(va, 1) }, { valence: pick(labels, 0), arousal: pick(labels, 1) });
    }
    return { task: 'va', va: acc.result(), items: items.length };
  }

  /**
   * Runs the network on full windows of `T` frames starting at `starts` (frame indices; `rows` holds
   * per-modality rows from frame `firstRow` on), 8 windows per batch. @returns [windows, T, 2]
   */
  private async forwardWindows(rows: Record<string, { dim: number; data: Float32Array }>, firstRow: number, starts: readonly number[], T: number): Promise<Float32Array> {
    const model = this.network;
    const out = new Float32Array(starts.length * T * 2);
    for (let b = 0; b < starts.length; b += 8) {
      const chunk = starts.slice(b, b + 8);
      const va = tf.tidy(() => {
        const features: Record<string, tf.Tensor3D> = {};
        for (const [m, r] of Object.entries(rows)) {
          const x = new Float32Array(chunk.length * T * r.dim);
          chunk.forEach((s, i) => x.set(r.data.subarray((s - firstRow) * r.dim, (s - firstRow + T) * r.dim), i * T * r.dim));
          features[m] = tf.tensor3d(x, [chunk.length, T, r.dim]);
        }
        const o = model.forward({ features, mask: tf.ones([chunk.length, T]) as tf.Tensor2D });
        return o.kind === 'va' ? o.va : tf.zeros([chunk.length, T, 2]);
      });
      out.set(await va.data(), b * T * 2);
      va.dispose();
    }
    return out;
  }

  /**
   * Frame-level inference over a whole sequence: windows of the training size (hop = half),
   * predictions averaged where windows overlap. Streams are aligned to `frames` rows
   * (truncated or zero-padded). @returns [frames, 2] valence/arousal
   */
  private async predictFrames(streams: Record<string, ExtractedStream>, frames: number): Promise<Float32Array> {
    const size = this.training.window?.size ?? 300;
    const windows = fixedWindows(frames, { size, hop: Math.max(1, Math.floor(size / 2)) });
    const avg = new OverlapAverager(frames, 2);
    const aligned: Record<string, { data: Float32Array; dim: number }> = {};
    for (const [m, s] of Object.entries(streams)) {
      const data = new Float32Array(frames * s.dim);
      data.set(s.data.subarray(0, Math.min(s.frames, frames) * s.dim));
      aligned[m] = { data, dim: s.dim };
    }
    const T = Math.min(size, frames);
    const values = await this.forwardWindows(aligned, 0, windows.map((w) => w.start), T);
    windows.forEach((w, i) => avg.add(w, values.subarray(i * T * 2, (i + 1) * T * 2)));
    return avg.result();
  }

  /**
   * Per-frame valence/arousal streamed: the video is decoded once, features flow through a buffer of
   * about two windows, windows (the training size, hop half of it, the last one end-aligned — as in
   * `evaluate`) run as soon as their frames exist, and `onRows` receives final rows in frame order.
   * Memory does not grow with the video's length.
   */
  async predictStream(
    file: string,
    onRows: (rows: FramePrediction[]) => void | Promise<void>,
    options: { transcript?: string } = {},
  ): Promise<{ frames: number; fps: number; notes: string[] }> {
    if (this.task !== 'va') throw new Error(`${this.name}: predictStream is for per-frame pipelines; use predict()`);
    if (!fs.existsSync(file)) throw new Error(`${file}: file not found`);
    const W = this.training.window?.size ?? 300;
    const H = Math.max(1, Math.floor(W / 2));
    const buffers: Record<string, { dim: number; data: Float32Array }> = {};
    let bufStart = 0; // frame index of buffers' first row (and of the accumulators')
    let received = 0;
    let nextStart = 0;
    let lastRegular = -1;
    let emitted = 0;
    let fps = 0;
    let sums = new Float64Array(0);
    let counts = new Uint16Array(0);

    const ensureAcc = (upTo: number) => {
      const need = upTo - bufStart;
      if (need <= counts.length) return;
      const s2 = new Float64Array(need * 2);
      s2.set(sums);
      const c2 = new Uint16Array(need);
      c2.set(counts);
      sums = s2;
      counts = c2;
    };
    const runWindows = async (starts: number[], T: number) => {
      const values = await this.forwardWindows(buffers, bufStart, starts, T);
      starts.forEach((s, i) => {
        ensureAcc(s + T);
        for (let t = 0; t < T; t++) {
          const r = s + t - bufStart;
          sums[r * 2] += values[(i * T + t) * 2];
          sums[r * 2 + 1] += values[(i * T + t) * 2 + 1];
          counts[r]++;
        }
      });
    };
    const emitUntil = async (end: number) => {
      if (end <= emitted) return;
      const rows: FramePrediction[] = [];
      for (let f = emitted; f < end; f++) {
        const r = f - bufStart;
        if (counts[r] === 0) throw new Error(`predictStream: frame ${f} was covered by no window`);
        rows.push({ frame: f, time: f / fps, valence: sums[r * 2] / counts[r], arousal: sums[r * 2 + 1] / counts[r] });
      }
      emitted = end;
      await onRows(rows);
      // Forget everything before the first frame a future window can still cover.
      const drop = emitted - bufStart;
      for (const buf of Object.values(buffers)) buf.data = buf.data.slice(drop * buf.dim);
      sums = sums.slice(drop * 2);
      counts = counts.slice(drop);
      bufStart = emitted;
    };

    const result = await this.extractor.extractStream(file, options, async (c) => {
      fps = c.fps;
      for (const [m, s] of Object.entries(c.streams)) {
        const buf = (buffers[m] ??= { dim: s.dim, data: new Float32Array(0) });
        const merged = new Float32Array(buf.data.length + s.frames * s.dim);
        merged.set(buf.data);
        merged.set(s.data.subarray(0, s.frames * s.dim), buf.data.length);
        buf.data = merged;
      }
      received += c.count;
      const ready: number[] = [];
      while (nextStart + W < received) {
        ready.push(nextStart);
        nextStart += H;
      }
      if (ready.length > 0) {
        await runWindows(ready, W);
        lastRegular = ready[ready.length - 1];
        await emitUntil(lastRegular + 1);
      }
    });
    const T = received;
    if (T === 0) throw new Error(`${file}: no video frames could be decoded`);
    if (T <= W) {
      await runWindows([0], T);
    } else if (lastRegular !== T - W) {
      await runWindows([T - W], W);
    }
    await emitUntil(T);
    return { frames: T, fps: result.fps, notes: result.notes };
  }

  /**
   * Raw media in, predictions out: per-frame valence/arousal (streamed; `streaming: false` extracts
   * the whole video first — same rows, memory grows with length), or clip class probabilities.
   */
  async predict(file: string, options: { transcript?: string; streaming?: boolean } = {}): Promise<Prediction> {
    if (!fs.existsSync(file)) throw new Error(`${file}: file not found`);
    if (this.task === 'va' && options.streaming !== false) {
      const frames: FramePrediction[] = [];
      const r = await this.predictStream(file, (rows) => void frames.push(...rows), options);
      return { task: 'va', file, fps: r.fps, frameCount: r.frames, frames, notes: r.notes };
    }
    const item = await this.extractor.extract(file, options);
    if (this.task === 'classification') {
      const model = this.network;
      const probs = tf.tidy(() => {
        const features = Object.fromEntries(Object.entries(item.streams).map(([m, s]) => [m, tf.tensor3d(s.data, [1, s.frames, s.dim])]));
        const out = model.forward({ features });
        return out.kind === 'classification' ? tf.softmax(out.logits) : tf.zeros([1, 1]);
      });
      const p = Array.from(await probs.data());
      probs.dispose();
      const best = p.indexOf(Math.max(...p));
      return { task: 'classification', file, classes: this.classes!, probabilities: p, label: this.classes![best], notes: item.notes };
    }
    const va = await this.predictFrames(item.streams, item.frames);
    const frames: FramePrediction[] = Array.from({ length: item.frames }, (_, t) => ({ frame: t, time: item.times[t], valence: va[t * 2], arousal: va[t * 2 + 1] }));
    return { task: 'va', file, fps: item.fps, frameCount: item.frames, frames, notes: item.notes };
  }

  dispose(): void {
    this.model?.dispose();
    this.model = null;
    this.extractor.dispose();
  }
}

/** Plain-number summary of metrics for logs and JSON output. */
export function summariseMetrics(m: PipelineMetrics): Record<string, unknown> {
  if (m.task === 'va') {
    const r = (x: { ccc: number; pcc: number; rmse: number; mse: number }) => ({ ccc: x.ccc, pcc: x.pcc, rmse: x.rmse, mse: x.mse });
    return { ccc: m.va.ccc, valence: r(m.va.valence), arousal: r(m.va.arousal), items: m.items };
  }
  const c = m.classification;
  return { accuracy: c.accuracy, macroF1: c.macroF1, weightedF1: c.weightedF1, uar: c.uar, confusionMatrix: c.confusionMatrix, labels: c.labels, items: m.items };
}
