/**
 * Backend benchmark: prints ONE JSON line for the active backend (MER_BACKEND to choose):
 *   matmul GFLOP/s at 512 and 1024, forward+backward ms of a 4-layer pre-LN transformer encoder
 *   (B=16, T=64, D=256, 4 heads, FFN 1024) with AdamW, and peak RSS.
 * Run: npm run bench:backend        (or MER_BACKEND=cpu npm run bench:backend)
 */
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, createRng, describeBackend, initBackend } from '@mer/backend';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function matmulGflops(n: number, reps: number): number {
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  tf.tidy(() => {
    tf.matMul(a, b).dataSync();
  }); // warm-up (a tidy must not return the typed array: tidy scans what it returns)
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    tf.tidy(() => {
      tf.matMul(a, b).dataSync();
    });
    times.push(performance.now() - t0);
  }
  tf.dispose([a, b]);
  return (2 * n ** 3) / (median(times) / 1000) / 1e9;
}

interface EncoderLayer {
  ln1: tf.Variable;
  wqkv: tf.Variable;
  wo: tf.Variable;
  ln2: tf.Variable;
  w1: tf.Variable;
  w2: tf.Variable;
}

function layerNorm(x: tf.Tensor, gamma: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gamma);
}

/** @param x [B, T, D] → [B, T, D] */
function encoderLayer(l: EncoderLayer, x: tf.Tensor, heads: number): tf.Tensor {
  const [b, t, d] = x.shape;
  const dh = d / heads;
  const h = tf.reshape(layerNorm(x, l.ln1), [b * t, d]);
  const qkv = tf.reshape(tf.matMul(h, l.wqkv), [b, t, 3, heads, dh]);
  const qkvT = tf.transpose(qkv, [2, 0, 3, 1, 4]); // [3, B, H, T, Dh]
  const [q, k, v] = tf.unstack(qkvT);
  const attn = tf.softmax(tf.div(tf.matMul(q, k, false, true), Math.sqrt(dh))); // [B, H, T, T]
  const ctx = tf.reshape(tf.transpose(tf.matMul(attn, v), [0, 2, 1, 3]), [b * t, d]);
  const x1 = tf.add(x, tf.reshape(tf.matMul(ctx, l.wo), [b, t, d]));
  const u = tf.matMul(tf.reshape(layerNorm(x1, l.ln2), [b * t, d]), l.w1);
  const gelu = tf.mul(tf.mul(u, 0.5), tf.add(1, tf.erf(tf.div(u, Math.SQRT2))));
  return tf.add(x1, tf.reshape(tf.matMul(gelu, l.w2), [b, t, d]));
}

async function main(): Promise<void> {
  const info = await initBackend();
  const [B, T, D, H, F, L] = [16, 64, 256, 4, 1024, 4];
  const rng = createRng(0);
  const init = (shape: number[], scale: number) => tf.variable(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', rng.nextSeed()), scale));
  const layers: EncoderLayer[] = Array.from({ length: L }, () => ({
    ln1: tf.variable(tf.ones([D])),
    wqkv: init([D, 3 * D], 1 / Math.sqrt(D)),
    wo: init([D, D], 1 / Math.sqrt(D)),
    ln2: tf.variable(tf.ones([D])),
    w1: init([D, F], 1 / Math.sqrt(D)),
    w2: init([F, D], 1 / Math.sqrt(F)),
  }));
  const x = tf.randomNormal([B, T, D], 0, 1, 'float32', 1);
  const y = tf.randomNormal([B, T, D], 0, 1, 'float32', 2);
  const opt = new AdamW({ learningRate: 1e-4 });
  const forward = () => layers.reduce((h, l) => encoderLayer(l, h, H), x as tf.Tensor);
  const step = () => tf.dispose(opt.minimize(() => tf.mean(tf.square(tf.sub(forward(), y))) as tf.Scalar, true) ?? []);

  step(); // warm-up (allocates optimiser state)
  const fwd: number[] = [];
  const fwdBwd: number[] = [];
  for (let i = 0; i < 5; i++) {
    let t0 = performance.now();
    tf.tidy(() => {
      forward().dataSync();
    });
    fwd.push(performance.now() - t0);
    t0 = performance.now();
    step();
    await tf.ready();
    fwdBwd.push(performance.now() - t0);
  }
  const tensorsAfter = tf.memory().numTensors;
  step();
  const leaked = tf.memory().numTensors - tensorsAfter;

  const result = {
    bench: 'backend',
    backend: describeBackend(info),
    matmul512_gflops: +matmulGflops(512, 10).toFixed(2),
    matmul1024_gflops: +matmulGflops(1024, 5).toFixed(2),
    encoder: `4-layer pre-LN transformer B=${B} T=${T} D=${D} heads=${H} ffn=${F}, AdamW`,
    encoder_forward_ms: +median(fwd).toFixed(1),
    encoder_forward_backward_ms: +median(fwdBwd).toFixed(1),
    tensors_leaked_per_step: leaked,
    peak_rss_mb: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
  };
  console.log(JSON.stringify(result));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
