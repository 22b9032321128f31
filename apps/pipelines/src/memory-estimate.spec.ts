import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkWasmMemory, WASM_HEAP_BYTES } from './memory-estimate';
import { generateVaDemo } from './demo-data';
import { extractDataset, trainRun } from './workflow';

describe('training memory, before it runs out', () => {
  it('refuses past 90 % of the 4 GB wasm heap, naming the estimate, the largest batch that fits and the other ways out', () => {
    const m = { parameters: 154_280_450, stateBytes: 16 * 154_280_450, perItemBytes: 200 * 2 ** 20, batchSize: 32, bytes: 16 * 154_280_450 + 32 * 200 * 2 ** 20 };
    expect(() => checkWasmMemory(m, "maven preset 'paper', batch 32")).toThrow(
      "maven preset 'paper', batch 32: training needs about 8.5 GB on the wasm backend — 154.3 M parameters (2.3 GB for weights, gradients and Adam's moments) and 200 MB of activations per item × batch 32 — past wasm's 3.6 GB (4 GB heap). Ways out: a smaller preset (lite), a smaller batch (--config '{\"batchSize\": 6}' is about the largest that fits), or a GPU backend",
    );
    expect(() => checkWasmMemory({ ...m, batchSize: 6, bytes: m.stateBytes + 6 * m.perItemBytes }, 'x')).not.toThrow();
    const huge = { ...m, stateBytes: WASM_HEAP_BYTES, bytes: WASM_HEAP_BYTES + 1 };
    expect(() => checkWasmMemory(huge, 'x')).toThrow('a smaller batch will not do: the weights and optimizer state alone do not fit');
  });

  it('mer train measures the step before training and, refused, leaves no run behind', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-memory-'));
    const items = generateVaDemo({ dir: path.join(dir, 'va'), train: 2, test: 1, seconds: 2 });
    const features = path.join(dir, 'features');
    await extractDataset({ pipeline: 'tcn-fusion', dataset: 'demo', out: features, items, extractor: { faces: 'none' } });
    const out = path.join(dir, 'run');
    const training = { epochs: 1, batchSize: 2, learningRate: 1e-3, window: { size: 12, hop: 6 } };
    process.env['MER_WASM_MEMORY_LIMIT'] = '100000';
    try {
      await expect(trainRun({ features, out, preset: 'lite', training })).rejects.toThrow(/^tcn-fusion preset 'lite', batch 2: training needs about 0\.\d GB on the wasm backend — 0\.\d M parameters .* past wasm's 0\.0 GB/);
    } finally {
      delete process.env['MER_WASM_MEMORY_LIMIT'];
    }
    expect(fs.readdirSync(out)).toEqual([]);
    // Under the real limit the same run trains.
    const r = await trainRun({ features, out, preset: 'lite', training });
    expect(r.history).toHaveLength(1);
  }, 120_000);
});
