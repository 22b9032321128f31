import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateTestClip } from '@mer/media';
import { createPipeline, DEMO_CLASSES, generateClassDemo, loadPipeline, networkNames } from '@mer/pipelines';
import { meanPoolRecipe } from './fixtures/mean-pool-recipe';

const root = path.resolve(__dirname, '../../..');
const recipeFile = path.join(__dirname, 'fixtures', 'mean-pool-recipe.ts');
const mer = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(__dirname, 'main.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 180_000 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-custom-recipe-'));

describe("a user's own network as a recipe (defined outside mer)", () => {
  it('library: extract → fit → evaluate → predict → save → load, learning the generated classes', async () => {
    const items = generateClassDemo({ dir: path.join(dir, 'cls'), perClassTrain: 4, perClassTest: 2, seconds: 1 });
    const p = await createPipeline(meanPoolRecipe, { classes: DEMO_CLASSES, extractor: { faces: 'none' }, training: { epochs: 30, batchSize: 4 } });
    expect(networkNames()).toContain('mean-pool');
    expect(p.extractor.streams.map((s) => [s.name, s.extractor])).toEqual([
      ['video', 'centre-crop+expression'],
      ['audio', 'mfcc'],
    ]);
    const train = items.filter((i) => i.split === 'train');
    const test = items.filter((i) => i.split === 'test');
    const runDir = path.join(dir, 'run');
    const history = await p.fit(train, { validation: test, runDir });
    expect(history).toHaveLength(30);
    const m = await p.evaluate(test, { featuresDir: path.join(runDir, 'features') });
    if (m.task !== 'classification') throw new Error('expected classification metrics');
    // 4 classes = picture brightness × tone pitch, both carried by the two streams: well above chance (0.25).
    expect(m.classification.accuracy).toBeGreaterThanOrEqual(0.75);
    const pred = await p.predict(test[0].file);
    const saved = path.join(dir, 'saved');
    await p.save(saved);
    p.dispose();
    const loaded = await loadPipeline(saved);
    expect(loaded.name).toBe('mean-pool');
    const again = await loaded.predict(test[0].file);
    expect(again).toEqual(pred);
    loaded.dispose();
  });

  it('CLI: --recipe registers it for extract, train, eval and predict', () => {
    const data = path.join(dir, 'emodb');
    // EmoDB-named recordings (speaker 03/08, anger W vs sadness T) whose tone says the class.
    const names = ['03a01Wa', '03a02Wb', '03a04Wc', '08a01Wa', '08a02Wb', '03a01Ta', '03a02Tb', '03a04Tc', '08a01Ta', '08a02Tb'];
    for (const n of names) generateTestClip(path.join(data, `${n}.wav`), { seconds: 1, toneHz: n[5] === 'W' ? 880 : 220 });
    const features = path.join(dir, 'features-cli');
    let r = mer('--recipe', recipeFile, 'extract', '--pipeline', 'mean-pool', '--dataset', `emodb:${data}`, '--split', 'random:0.4', '--out', features, '--faces', 'none');
    expect(r.stderr).not.toContain('mer:');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('10 extracted');
    const run = path.join(dir, 'run-cli');
    r = mer('--recipe', recipeFile, 'train', '--features', features, '--out', run, '--epochs', '3', '--json');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(3);
    r = mer('--recipe', recipeFile, 'eval', '--run', run, '--json');
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { items: number }).items).toBe(4);
    r = mer('--recipe', recipeFile, 'predict', '--run', run, '--out', path.join(dir, 'preds'), path.join(data, '03a01Wa.wav'));
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'preds', '03a01Wa.csv'), 'utf8').split('\n')[0]).toMatch(/^file,label,p_/);
    // Without the module the name is unknown, and the message lists what is registered.
    r = mer('eval', '--run', run);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("unknown network 'mean-pool' (registered: maven, tcn-fusion, avt-ca, speech-kernel)");
  });
});
