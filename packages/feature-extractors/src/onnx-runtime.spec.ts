import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

// In a process of its own (jest keeps its own module registry): what loading the package loads.
function inChild(script: string): string {
  const r = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { cwd: path.join(__dirname, '..'), encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return r.stdout.trim();
}

describe('onnxRuntime', () => {
  it('is loaded when a model first runs on it, not when the package loads', () => {
    const out = inChild(`
      const fe = require('./src/index.ts');
      const loaded = () => Object.keys(require.cache).some((k) => k.includes('/onnxruntime-node/'));
      const before = loaded();
      const { onnxRuntime } = require('./src/onnx-runtime.ts');
      const ort = onnxRuntime();
      console.log(JSON.stringify({ before, after: loaded(), same: ort === onnxRuntime(), tensor: typeof ort.Tensor, exported: typeof fe.FaceEmbedder }));
    `);
    expect(JSON.parse(out.split('\n').pop()!)).toEqual({ before: false, after: true, same: true, tensor: 'function', exported: 'function' });
  });
});
