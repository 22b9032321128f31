/**
 * Kernel profile of one network step: runs one warm-up and then one profiled forward (or training
 * step: forward + backward + AdamW) under tf.profile and prints where the time goes, grouped by kernel
 * name (and, with --shapes, by kernel name and input shapes), largest first, as a table on stdout.
 * Shapes are bench:models' (MAVEN B=16 T=64, TCN-fusion B=16 T=300, AVT-CA B=8 15 frames).
 * Run: npm run bench:profile -- --net maven --preset lite [--forward] [--shapes] [--top 25] [--batch N]
 */
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, describeBackend, initBackend } from '@mer/backend';
import { buildBenchModel, BenchNet, forwardPass, presetConfig, trainStep } from './bench-models';

async function main(): Promise<void> {
  const arg = (flag: string) => (process.argv.includes(flag) ? process.argv[process.argv.indexOf(flag) + 1] : undefined);
  const net = (arg('--net') ?? 'maven') as BenchNet;
  const preset = arg('--preset') ?? 'lite';
  const top = Number(arg('--top') ?? 25);
  const forwardOnly = process.argv.includes('--forward');
  const byShape = process.argv.includes('--shapes');
  const info = await initBackend();
  const batch = arg('--batch') === undefined ? undefined : Number(arg('--batch'));
  const { model, inputs } = buildBenchModel(net, presetConfig(net, preset), batch);
  const opt = new AdamW({ learningRate: 1e-4 });
  const step = () => (forwardOnly ? forwardPass(model, inputs) : trainStep(model, inputs, opt));
  await step();
  const t0 = performance.now();
  const profile = await tf.profile(step);
  const wall = performance.now() - t0;
  const groups = new Map<string, { ms: number; calls: number }>();
  let total = 0;
  for (const k of profile.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const key = byShape ? `${k.name} ${k.inputShapes.map((s) => `[${s ?? ''}]`).join(' ')}` : k.name;
    const g = groups.get(key) ?? { ms: 0, calls: 0 };
    g.ms += ms;
    g.calls += 1;
    groups.set(key, g);
    total += ms;
  }
  console.log(`${net}/${preset}${batch === undefined ? '' : ` batch ${batch}`} ${forwardOnly ? 'forward' : 'train step'} on ${describeBackend(info)}: ${profile.kernels.length} kernels, ${total.toFixed(0)} ms in kernels, ${wall.toFixed(0)} ms wall (profiled)`);
  const rows = [...groups.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, top);
  for (const [key, g] of rows) {
    console.log(`${g.ms.toFixed(1).padStart(9)} ms ${((100 * g.ms) / total).toFixed(1).padStart(5)} % ${String(g.calls).padStart(6)} calls  ${key}`);
  }
  opt.dispose();
  model.dispose();
  tf.dispose(inputs);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
