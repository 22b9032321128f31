import { formatBenchTable, msText, ratioText } from './bench-table';
import { denseWorkGflop, softwareAdapterSkip, softwareAdapterTrainSkip } from './software-adapter-rule';

// Parameter counts of the presets (apps/*/src/fixtures/preset-parameters.json) at bench:models' shapes.
const mavenLite = { preset: 'lite', parameters: 417058, batch: 16, frames: 64 };
const tcnLite = { preset: 'lite', parameters: 581442, batch: 16, frames: 300 };
const avtCaLite = { preset: 'lite', parameters: 97352, batch: 8, frames: 15 };

describe('bench:models on a software adapter', () => {
  it('runs no full-size preset', () => {
    expect(softwareAdapterSkip({ ...mavenLite, preset: 'paper', parameters: 154280450 })).toBe('paper preset on a software adapter: minutes per step (only lite presets run there)');
    expect(softwareAdapterSkip({ ...avtCaLite, preset: 'features' })).toMatch(/^features preset on a software adapter/);
  });

  it('runs the lite presets up to 2 GFLOP per forward (MAVEN and AVT-CA, not TCN-fusion at T=300)', () => {
    expect(denseWorkGflop(tcnLite)).toBeCloseTo(5.58, 2);
    expect(softwareAdapterSkip(mavenLite)).toBeUndefined();
    expect(softwareAdapterSkip(avtCaLite)).toBeUndefined();
    expect(softwareAdapterSkip(tcnLite)).toMatch(/^lite preset on a software adapter at 5\.6 GFLOP per forward \(limit 2/);
  });

  it('times a training step only up to 0.1 GFLOP per forward (AVT-CA lite, not MAVEN lite)', () => {
    expect(softwareAdapterTrainSkip(avtCaLite)).toBeUndefined();
    expect(softwareAdapterTrainSkip(mavenLite)).toBe('train step on a software adapter at 0.85 GFLOP per forward (limit 0.1): minutes per step');
  });
});

describe("bench:models' table", () => {
  it('reads ratios to one digit and milliseconds to three', () => {
    expect([0.043, 0.34, 1.28, 2.65, 13.4, 172136 / 205].map(ratioText)).toEqual(['0.04×', '0.3×', '1×', '3×', '10×', '800×']);
    expect([null, undefined, 0, Number.NaN].map(ratioText)).toEqual(['–', '–', '–', '–']);
    expect([0.4213, 12.34, 456.7, 172136].map(msText)).toEqual(['0.421', '12.3', '457', '172136']);
  });

  it('lists backends, the peer, every row, and why a row or its training step was not run', () => {
    const text = formatBenchTable({
      backends: [{ requested: 'wasm', info: 'wasm (SIMD)' }, { requested: 'tensorflow', failed: 'not installed' }, { requested: 'webgpu', info: 'webgpu (adapter google swiftshader, software)' }],
      peer: { torch: '2.4.0', device: 'cuda (NVIDIA H100)', threads: 1 },
      rounds: 3,
      rows: [
        { network: 'maven', preset: 'lite', backend: 'wasm', batch: 16, forward_ms: 87.6, train_step_ms: 386.9, torch_forward_ms: 68.6, torch_train_step_ms: 145.8, forward_ratio: 1.28, train_ratio: 2.65 },
        { network: 'maven', preset: 'lite', backend: 'webgpu', batch: 16, forward_ms: 17175, train_step_ms: null, train_skipped: 'train step on a software adapter', torch_forward_ms: 68.6, forward_ratio: 204, train_ratio: null },
        { network: 'maven', preset: 'paper', backend: 'webgpu', batch: 16, skipped: 'paper preset on a software adapter: minutes per step' },
      ],
    }).split('\n');
    expect(text.slice(0, 5)).toEqual([
      'wasm: wasm (SIMD)',
      'tensorflow: unavailable (not installed)',
      'webgpu: webgpu (adapter google swiftshader, software)',
      'PyTorch peer: torch 2.4.0 eager on cuda (NVIDIA H100), 1 thread(s)',
      "ms per batch, median of 3 rounds' medians; ratio = mer / PyTorch (one digit)",
    ]);
    expect(text[5].split(/\s{2,}/)).toEqual(['network', 'preset', 'backend', 'B', 'fwd ms', 'train ms', 'torch fwd', 'torch train', 'fwd ×', 'train ×', 'note']);
    expect(text[6].split(/\s+/)).toEqual(['maven', 'lite', 'wasm', '16', '87.6', '387', '68.6', '146', '1×', '3×']);
    expect(text[7]).toMatch(/17175 +– +68\.6 +– +200× +– +train step on a software adapter$/);
    expect(text[8]).toMatch(/^maven +paper +webgpu +16 .*paper preset on a software adapter: minutes per step$/);
  });
});
