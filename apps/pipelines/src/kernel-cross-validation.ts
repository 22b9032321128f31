import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mer/backend';
import { FeatureStore, FoldScheme, parseFoldScheme, sequenceStats, speakerFolds, standardiseFrames } from '@mer/datasets';
import { DEFAULT_KERNEL_GRID, KernelRidgeClassifier, KernelRidgeGrid, selectKernelRidge } from '@mer/heads';
import { writeFileAtomic } from '@mer/media';
import { classificationMetrics } from '@mer/metrics';
import { itemSpeaker, meanStd } from './cross-validation';
import { readFeatureIndex } from './workflow';

/** One outer fold of {@link crossValidateKernel}: the speakers held out, what inner LOSO chose, the held-out scores. */
export interface KernelFoldResult {
  fold: number;
  heldOut: string[];
  /** Training speakers, each left out once by the inner folds that chose γ and λ. */
  innerSpeakers: string[];
  gamma: number;
  gammaScale: number;
  lambda: number;
  /** The chosen setting's mean inner-LOSO UAR (training speakers only). */
  innerScore: number;
  trainItems: number;
  testItems: number;
  seconds: number;
  metrics: { uar: number; macroF1: number; accuracy: number };
}

export interface KernelCrossValidationResult {
  estimator: 'kernel-ridge';
  scheme: string;
  features: string;
  stream: string;
  standardise: 'speaker';
  selectedBy: string;
  folds: KernelFoldResult[];
  summary: Record<'uar' | 'macroF1' | 'accuracy' | 'innerScore', { mean: number; std: number }>;
}

/** Each item's row: the stream's valid frames mean-pooled (utterance-level streams have one frame). @returns [N, D] */
function itemRows(store: FeatureStore, ids: readonly string[]): Float32Array {
  const dim = store.manifest.dim;
  const x = new Float32Array(ids.length * dim);
  ids.forEach((id, i) => {
    const s = store.read(id);
    let n = 0;
    for (let t = 0; t < s.frames; t++) {
      if (!s.mask[t]) continue;
      n++;
      for (let d = 0; d < dim; d++) x[i * dim + d] += s.data[t * dim + d];
    }
    for (let d = 0; d < dim; d++) x[i * dim + d] /= Math.max(n, 1);
  });
  return x;
}

/** Each speaker's rows standardised with that speaker's own mean and std (no labels used). */
function standardisePerSpeaker(x: Float32Array, dim: number, speakers: readonly string[]): Float32Array {
  const out = new Float32Array(x.length);
  for (const s of new Set(speakers)) {
    const rows = speakers.flatMap((g, i) => (g === s ? [i] : []));
    const stats = sequenceStats(rows.map((i) => ({ data: x.subarray(i * dim, (i + 1) * dim), mask: Uint8Array.of(1), frames: 1, dim })));
    for (const i of rows) out.set(standardiseFrames(x.subarray(i * dim, (i + 1) * dim), dim, stats), i * dim);
  }
  return out;
}

const pick = (x: Float32Array, dim: number, rows: readonly number[]) => {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => out.set(x.subarray(r * dim, (r + 1) * dim), i * dim));
  return out;
};

/**
 * Speaker-independent cross-validation of the kernel ridge estimator on an utterance-level stream
 * (e.g. `speech-functionals`): each speaker's rows are standardised with that speaker's statistics;
 * per outer fold, γ and λ are chosen by leave-one-speaker-out over the training speakers only
 * (`selectKernelRidge`), the classifier is fitted on all training speakers in closed form and scored
 * on the held-out ones, which never take part in the choice. Writes `out/kernel-cv.json` when `out` is given.
 */
export async function crossValidateKernel(options: {
  features: string;
  folds: FoldScheme | string;
  /** The stream (feature-store modality folder) to read. Default 'audio'. */
  stream?: string;
  grid?: KernelRidgeGrid;
  out?: string;
  onFold?: (r: KernelFoldResult) => void;
}): Promise<KernelCrossValidationResult> {
  await initBackend(); // the active backend, or the default one (MER_BACKEND)
  const scheme = typeof options.folds === 'string' ? parseFoldScheme(options.folds) : options.folds;
  const stream = options.stream ?? 'audio';
  const index = readFeatureIndex(options.features);
  if (!index.classes || index.multiLabel) throw new Error(`${options.features}: the kernel estimator classifies single-label items; '${index.pipeline}' features have ${index.multiLabel ? 'multi-label targets' : 'no classes'}`);
  // Speed-perturbed copies (`mer extract --speed`) are not folded: only recordings are.
  const items = index.items.flatMap((i) => (i.classLabel === undefined || i.augmentOf !== undefined ? [] : [{ ...i, classLabel: i.classLabel }]));
  const speakers = items.map((i) => itemSpeaker(index.dataset, i));
  const store = FeatureStore.read(options.features, stream);
  const dim = store.manifest.dim;
  const x = standardisePerSpeaker(itemRows(store, items.map((i) => i.id)), dim, speakers);
  const labels = items.map((i) => i.classLabel);
  const numClasses = index.classes.length;
  const grid = options.grid ?? DEFAULT_KERNEL_GRID;
  const results: KernelFoldResult[] = [];
  let selectedBy = '';
  for (const [k, heldOut] of speakerFolds(speakers, scheme).entries()) {
    const t0 = Date.now();
    const out = new Set(heldOut);
    const train = speakers.flatMap((s, i) => (out.has(s) ? [] : [i]));
    const test = speakers.flatMap((s, i) => (out.has(s) ? [i] : []));
    const selection = await selectKernelRidge({ x: pick(x, dim, train), dim, labels: train.map((i) => labels[i]), groups: train.map((i) => speakers[i]), numClasses }, { grid });
    selectedBy = `inner leave-one-speaker-out on each fold's training speakers: ${selection.selectedBy.replace(/ over the \d+ groups given \([^)]*\)/, '')}`;
    const xTrain = tf.tensor2d(pick(x, dim, train), [train.length, dim]);
    const xTest = tf.tensor2d(pick(x, dim, test), [test.length, dim]);
    const model = await KernelRidgeClassifier.fit(xTrain, train.map((i) => labels[i]), { numClasses, gamma: selection.best.gamma, lambda: selection.best.lambda });
    const predicted = tf.tidy(() => tf.argMax(model.predict(xTest).logits, 1));
    const m = classificationMetrics(test.map((i) => labels[i]), Array.from(await predicted.data()), numClasses);
    tf.dispose([xTrain, xTest, predicted]);
    model.dispose();
    const r: KernelFoldResult = {
      fold: k + 1,
      heldOut,
      innerSpeakers: selection.groups,
      gamma: selection.best.gamma,
      gammaScale: selection.best.gammaScale,
      lambda: selection.best.lambda,
      innerScore: selection.best.score,
      trainItems: train.length,
      testItems: test.length,
      seconds: (Date.now() - t0) / 1000,
      metrics: { uar: m.uar, macroF1: m.macroF1, accuracy: m.accuracy },
    };
    results.push(r);
    options.onFold?.(r);
  }
  const result: KernelCrossValidationResult = {
    estimator: 'kernel-ridge',
    scheme: String(scheme),
    features: path.resolve(options.features),
    stream,
    standardise: 'speaker',
    selectedBy,
    folds: results,
    summary: {
      uar: meanStd(results.map((r) => r.metrics.uar)),
      macroF1: meanStd(results.map((r) => r.metrics.macroF1)),
      accuracy: meanStd(results.map((r) => r.metrics.accuracy)),
      innerScore: meanStd(results.map((r) => r.innerScore)),
    },
  };
  if (options.out) {
    fs.mkdirSync(options.out, { recursive: true });
    writeFileAtomic(path.join(options.out, 'kernel-cv.json'), JSON.stringify(result, null, 2));
  }
  return result;
}
