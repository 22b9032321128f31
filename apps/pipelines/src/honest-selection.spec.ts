import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEMO_CLASSES, generateClassDemo, generateVaDemo } from './demo-data';
import { readManifest } from './pipeline-manifest';
import { evalRun, extractDataset, readFeatureIndex, trainRun } from './workflow';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-selection-'));

/**
 * A copy of a features folder whose test split is poisoned: its labels changed, its stored features
 * deleted and its media moved to a path that does not exist (so they cannot be extracted again).
 * Training that read the test split, for selection or anything else, would fail or choose differently.
 */
function poisonTest(features: string, copy: string): string[] {
  fs.cpSync(features, copy, { recursive: true });
  const index = readFeatureIndex(copy);
  const test = index.items.filter((i) => i.split === 'test');
  for (const i of test) {
    if (i.classLabel !== undefined) i.classLabel = (i.classLabel + 1) % index.classes!.length;
    if (i.frameLabels) i.frameLabels = i.frameLabels.map((v) => -v);
    i.file = path.join(copy, 'gone', path.basename(i.file));
  }
  fs.writeFileSync(path.join(copy, 'items.json'), JSON.stringify(index));
  for (const modality of fs.readdirSync(copy).filter((m) => fs.existsSync(path.join(copy, m, 'items')))) {
    for (const f of fs.readdirSync(path.join(copy, modality, 'items'))) if (test.some((i) => f.startsWith(`${i.id}.`))) fs.rmSync(path.join(copy, modality, 'items', f));
  }
  // Packed stores: an item exists by its index line; dropping the line deletes it.
  for (const modality of fs.readdirSync(copy).filter((m) => fs.existsSync(path.join(copy, m, 'packs')))) {
    for (const f of fs.readdirSync(path.join(copy, modality, 'packs')).filter((n) => n.endsWith('.idx.jsonl'))) {
      const file = path.join(copy, modality, 'packs', f);
      const kept = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '' && !test.some((i) => (JSON.parse(l) as { id: string }).id === i.id));
      fs.writeFileSync(file, kept.map((l) => `${l}\n`).join(''));
    }
  }
  return test.map((i) => i.id);
}

const weights = (run: string) => fs.readFileSync(path.join(run, 'best', 'weights.bin'));

describe('the test split chooses nothing (mer train, default --select auto)', () => {
  const classItems = generateClassDemo({ dir: path.join(dir, 'cls'), perClassTrain: 3, perClassTest: 1, seconds: 2 });
  const vaItems = generateVaDemo({ dir: path.join(dir, 'va'), train: 5, test: 2, seconds: 3 });
  const cases = [
    { pipeline: 'avt-ca', items: classItems, classes: DEMO_CLASSES, training: { epochs: 4, batchSize: 4, learningRate: 3e-3 }, on: 'inner validation, stratified by class', selects: 4, metric: 'macro-F1' },
    { pipeline: 'maven', items: vaItems, classes: undefined, training: { epochs: 4, batchSize: 2, learningRate: 3e-3, window: { size: 16, hop: 8 } }, on: 'inner validation, random', selects: 1, metric: 'CCC' },
    { pipeline: 'tcn-fusion', items: vaItems, classes: undefined, training: { epochs: 4, batchSize: 2, learningRate: 3e-3, window: { size: 12, hop: 6 } }, on: 'inner validation, random', selects: 1, metric: 'CCC' },
  ];

  it.each(cases)('$pipeline: poisoning the test split changes neither the choice nor a byte of the kept weights; the test split is read once, after', async ({ pipeline, items, classes, training, on, selects, metric }) => {
    const features = path.join(dir, `features-${pipeline}`);
    await extractDataset({ pipeline, dataset: 'demo', out: features, items, classes, extractor: { faces: 'none' }, preset: 'lite' });
    const poisoned = path.join(dir, `poisoned-${pipeline}`);
    const testIds = poisonTest(features, poisoned);
    expect(testIds.length).toBeGreaterThan(0);

    const a = await trainRun({ features, out: path.join(dir, `run-${pipeline}-a`), preset: 'lite', training });
    const b = await trainRun({ features: poisoned, out: path.join(dir, `run-${pipeline}-b`), preset: 'lite', training });
    expect(a.selection).toMatchObject({ on, items: selects, metric, epochs: 4 });
    expect(a.selection.bestEpoch).toBe(a.history.filter((h) => h.best).pop()!.epoch);
    expect(b.selection).toEqual(a.selection);
    expect(b.history.map((h) => h.validationScore)).toEqual(a.history.map((h) => h.validationScore));
    expect(weights(path.join(dir, `run-${pipeline}-b`)).equals(weights(path.join(dir, `run-${pipeline}-a`)))).toBe(true);
    // The run says what selected; eval on the clean copy reads the test split.
    expect(readManifest(path.join(dir, `run-${pipeline}-a`)).selection).toEqual(a.selection);
    const m = await evalRun({ run: path.join(dir, `run-${pipeline}-a`), split: 'test' });
    expect(m.items).toBe(testIds.length);
    // The poisoned copy's test split cannot be read at all: evaluating there fails, naming the file.
    await expect(evalRun({ run: path.join(dir, `run-${pipeline}-b`), split: 'test' })).rejects.toThrow(/gone\/.*: file not found/);
  }, 240_000);

  it('--select test is the only way the test split selects, and it is recorded as optimistic', async () => {
    const features = path.join(dir, 'features-avt-ca');
    const notes: string[] = [];
    const r = await trainRun({ features, out: path.join(dir, 'run-test-selects'), preset: 'lite', training: { epochs: 2, batchSize: 4, learningRate: 3e-3 }, select: 'test', onNote: (n) => notes.push(n) });
    expect(r.selection).toMatchObject({ on: 'test split', items: 4, optimistic: true });
    expect(notes.some((n) => n.startsWith('WARNING: the test split selects'))).toBe(true);
    await expect(trainRun({ features: path.join(dir, 'poisoned-avt-ca'), out: path.join(dir, 'run-test-poisoned'), preset: 'lite', training: { epochs: 1 }, select: 'test' })).rejects.toThrow(/gone\/cls-test-.*: file not found/);
  }, 120_000);

  it('--select last keeps the last epoch and selects on nothing', async () => {
    const r = await trainRun({ features: path.join(dir, 'features-maven'), out: path.join(dir, 'run-last'), preset: 'lite', training: { epochs: 3, batchSize: 2, learningRate: 3e-3, window: { size: 16, hop: 8 } }, select: 'last' });
    expect(r.selection).toEqual({ on: 'last epoch', items: 0, metric: 'CCC', bestEpoch: 3, epochs: 3 });
    expect(r.history.map((h) => h.validationScore)).toEqual([undefined, undefined, undefined]);
    expect(weights(path.join(dir, 'run-last')).equals(fs.readFileSync(path.join(dir, 'run-last', 'checkpoint', 'model', 'weights.bin')))).toBe(true);
  }, 120_000);
});
