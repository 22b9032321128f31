import * as tf from '@tensorflow/tfjs-core';
import { AdamW, createRng, describeBackend, GRADIENT_FILLS, initBackend } from '@mer/backend';
import { cccLoss, classificationMetrics, labelMask, ValenceArousalAccumulator } from '@mer/metrics';
import { makeSyntheticVa } from './synthetic-va';

export interface DemoOptions {
  seed?: number;
  steps?: number;
  json?: boolean;
  log?: (line: string) => void;
}

export interface DemoResult {
  backend: string;
  data: string;
  before: { ccc: number; cccValence: number; cccArousal: number };
  after: { ccc: number; cccValence: number; cccArousal: number; rmse: number };
  quadrant: { accuracy: number; macroF1: number; uar: number; chance: number };
  steps: number;
  seconds: number;
}

/** Temporal model for the smoke demo: dilated causal conv1d (k=3, d=1,2,4) → tanh head. */
function buildModel(d: number, hidden: number, seed: number) {
  const rng = createRng(seed);
  const w = (shape: number[], fanIn: number) =>
    tf.variable(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', rng.nextSeed()), Math.sqrt(1 / fanIn)));
  const convs = [1, 2, 4].map((dilation, i) => ({ dilation, kernel: w([3, i === 0 ? d : hidden, hidden], 3 * (i === 0 ? d : hidden)) }));
  const head = w([hidden, 2], hidden);
  const bias = tf.variable(tf.zeros([2]));
  /** @param x [B, T, D] → [B, T, 2] */
  const apply = (x: tf.Tensor3D): tf.Tensor3D =>
    tf.tidy(() => {
      let h: tf.Tensor3D = x;
      for (const c of convs) {
        const padded = tf.pad(h, [[0, 0], [2 * c.dilation, 0], [0, 0]]); // causal: left padding only
        const y = tf.conv1d(padded, c.kernel as tf.Tensor3D, 1, 'valid', 'NWC', c.dilation);
        h = tf.leakyRelu(y, 0.1) as tf.Tensor3D;
      }
      const [b, t, hd] = h.shape;
      const out = tf.add(tf.matMul(tf.reshape(h, [b * t, hd]), head), bias); // [B·T, 2]
      return tf.tanh(tf.reshape(out, [b, t, 2])) as tf.Tensor3D;
    });
  const variables = [...convs.map((c) => c.kernel), head, bias];
  return { apply, variables, dispose: () => tf.dispose(variables) };
}

function score(pred: Float32Array, labels: Float32Array) {
  const acc = new ValenceArousalAccumulator();
  const v = (a: Float32Array, k: number) => a.filter((_, i) => i % 2 === k);
  acc.update({ valence: v(pred, 0), arousal: v(pred, 1) }, { valence: v(labels, 0), arousal: v(labels, 1) });
  return acc.result();
}

/** Circumplex quadrant (0: +v+a, 1: −v+a, 2: −v−a, 3: +v−a) of each frame. */
function quadrants(va: Float32Array): number[] {
  const q: number[] = [];
  for (let i = 0; i < va.length; i += 2) q.push(va[i] >= 0 ? (va[i + 1] >= 0 ? 0 : 3) : va[i + 1] >= 0 ? 1 : 2);
  return q;
}

/**
 * The smoke demo of the foundation: picks the backend, trains a dilated temporal conv net with
 * AdamW and the CCC loss on synthetic valence-arousal sequences (wasm-trainable only thanks to
 * @mer/backend's gradient fills), and scores it with @mer/metrics against chance.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const seed = options.seed ?? 7;
  const steps = options.steps ?? 150;
  const start = performance.now();
  const info = await initBackend();
  log(`backend: ${describeBackend(info)}`);
  for (const a of info.attempts.filter((x) => !x.ok)) log(`  not used: ${a.package} (${a.reason})`);
  log(`gradient fills: ${GRADIENT_FILLS.length} (conv/depthwise incl. dilated, segment sum, rfft, fast transposed matMul)`);
  const data = 'synthetic valence-arousal sequences generated from a fixed seed (no real media; the pipeline demo replaces this)';
  log(`data: ${data}`);

  const [T, D, H] = [48, 16, 32];
  const train = makeSyntheticVa(96, T, D, seed);
  const test = makeSyntheticVa(32, T, D, seed + 1);
  const model = buildModel(D, H, seed);
  const xTrain = tf.tensor3d(train.features, [train.n, T, D]);
  const yTrain = tf.tensor3d(train.labels, [train.n, T, 2]);
  const xTest = tf.tensor3d(test.features, [test.n, T, D]);
  const predict = () => tf.tidy(() => model.apply(xTest).dataSync() as Float32Array);

  const before = score(predict(), test.labels);
  const opt = new AdamW({ learningRate: 3e-3, weightDecay: 1e-2 });
  const rng = createRng(seed);
  const batch = 16;
  for (let step = 0; step < steps; step++) {
    const idx = Array.from({ length: batch }, () => rng.int(train.n));
    const loss = tf.tidy(() => {
      const ids = tf.tensor1d(idx, 'int32');
      const xb = tf.gather(xTrain, ids) as tf.Tensor3D;
      const yb = tf.gather(yTrain, ids);
      return opt.minimize(() => cccLoss(model.apply(xb), yb, labelMask(yb)), true, model.variables as tf.Variable[]) as tf.Scalar;
    });
    if (step % 50 === 0 || step === steps - 1) log(`  step ${String(step + 1).padStart(4)}/${steps}  CCC loss ${loss.dataSync()[0].toFixed(4)}`);
    loss.dispose();
  }
  const predTest = predict();
  const after = score(predTest, test.labels);
  const q = classificationMetrics(quadrants(test.labels), quadrants(predTest), 4);
  const counts = [0, 1, 2, 3].map((c) => quadrants(test.labels).filter((x) => x === c).length);
  const chance = Math.max(...counts) / counts.reduce((a, b) => a + b, 0);
  opt.dispose();
  model.dispose();
  tf.dispose([xTrain, yTrain, xTest]);

  const result: DemoResult = {
    backend: describeBackend(info),
    data,
    before: { ccc: before.ccc, cccValence: before.valence.ccc, cccArousal: before.arousal.ccc },
    after: { ccc: after.ccc, cccValence: after.valence.ccc, cccArousal: after.arousal.ccc, rmse: (after.valence.rmse + after.arousal.rmse) / 2 },
    quadrant: { accuracy: q.accuracy, macroF1: q.macroF1, uar: q.uar, chance },
    steps,
    seconds: (performance.now() - start) / 1000,
  };
  const f = (x: number) => x.toFixed(3).padStart(7);
  log('');
  log('held-out metric              untrained    trained    chance');
  log(`CCC valence                  ${f(result.before.cccValence)}    ${f(result.after.cccValence)}    ${f(0)}`);
  log(`CCC arousal                  ${f(result.before.cccArousal)}    ${f(result.after.cccArousal)}    ${f(0)}`);
  log(`CCC mean (ABAW pooled)       ${f(result.before.ccc)}    ${f(result.after.ccc)}    ${f(0)}`);
  log(`quadrant accuracy                         ${f(q.accuracy)}    ${f(chance)}`);
  log(`quadrant macro-F1 / UAR                   ${f(q.macroF1)} / ${q.uar.toFixed(3)}`);
  log(`(${steps} AdamW steps in ${result.seconds.toFixed(1)} s)`);
  return result;
}
