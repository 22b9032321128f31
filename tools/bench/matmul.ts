/**
 * Matrix-product benchmark on the active backend: GFLOP/s per shape for mer's routing (the
 * BatchMatMul kernel as registered) — run once as is and once with MER_WASM_KERNELS=off (tfjs-wasm's
 * stock kernels, transposed operands still materialised) in child processes, one JSON line per shape.
 * Shapes are the products mer's networks run: attention scores/values and their gradients, dense
 * layers and their weight gradients, convolution input gradients.
 * Run: npm run bench:matmul
 */
import * as tf from '@tensorflow/tfjs-core';
import { describeBackend, initBackend } from '@mer/backend';
import { runBenchChild } from './child-process';

type Case = [string, number[], number[], boolean, boolean];
const CASES: Case[] = [
  ['attention scores (MAVEN lite)', [16, 2, 64, 32], [16, 2, 64, 32], false, true],
  ['attention values (MAVEN lite)', [16, 2, 64, 64], [16, 2, 64, 32], false, false],
  ['attention scores (TCN-fusion paper)', [16, 4, 300, 64], [16, 4, 300, 64], false, true],
  ['attention values gradient (TCN-fusion)', [16, 4, 300, 300], [16, 4, 300, 64], true, false],
  ['dense 768→64 (MAVEN)', [1024, 768], [768, 64], false, false],
  ['dense weight gradient 768×64', [1024, 768], [1024, 64], true, false],
  ['dense input gradient 64→768', [1024, 64], [768, 64], false, true],
  ['conv input gradient columns (TCN-fusion paper)', [4800, 128], [896, 128], false, true],
  ['square 512', [512, 512], [512, 512], false, false],
  ['square 1024', [1024, 1024], [1024, 1024], false, false],
];

function measure(): { name: string; gflops: number }[] {
  const out: { name: string; gflops: number }[] = [];
  for (const [name, aShape, bShape, ta, tb] of CASES) {
    const a = tf.randomNormal(aShape);
    const b = tf.randomNormal(bShape);
    const m = ta ? aShape[aShape.length - 1] : aShape[aShape.length - 2];
    const k = ta ? aShape[aShape.length - 2] : aShape[aShape.length - 1];
    const n = tb ? bShape[bShape.length - 2] : bShape[bShape.length - 1];
    const batch = Math.max(aShape.slice(0, -2).reduce((x, y) => x * y, 1), bShape.slice(0, -2).reduce((x, y) => x * y, 1));
    // Kernels on wasm and cpu run synchronously: timing the calls times the work (reading the result
    // back would add a copy of the output to every product).
    const reps = 10;
    const run = () => tf.tidy(() => {
      for (let i = 0; i < reps; i++) tf.matMul(a, b, ta, tb);
    });
    run();
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      run();
      times.push((performance.now() - t0) / reps);
    }
    const ms = times.sort((x, y) => x - y)[2];
    out.push({ name, gflops: +((2 * batch * m * n * k) / ms / 1e6).toFixed(1) });
    tf.dispose([a, b]);
  }
  return out;
}

async function main(): Promise<void> {
  if (process.argv.includes('--child')) {
    const info = await initBackend();
    console.log(JSON.stringify({ backend: describeBackend(info), rows: measure() }));
    return;
  }
  const mer = runBenchChild<{ backend: string; rows: { name: string; gflops: number }[] }>(__filename, []);
  process.env['MER_WASM_KERNELS'] = 'off';
  const stock = runBenchChild<{ backend: string; rows: { name: string; gflops: number }[] }>(__filename, []);
  mer.rows.forEach((r, i) => console.log(JSON.stringify({ product: r.name, backend: mer.backend, gflops: r.gflops, stock_gflops: stock.rows[i].gflops, speedup: +(r.gflops / stock.rows[i].gflops).toFixed(2) })));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
