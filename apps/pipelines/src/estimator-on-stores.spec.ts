import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createPipeline, loadPipeline } from './pipeline-loading';
import { DEMO_CLASSES, generateClassDemo } from './demo-data';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-estimator-stores-'));
const items = generateClassDemo({ dir: path.join(dir, 'cls'), perClassTrain: 2, perClassTest: 1 });
const train = items.filter((i) => i.split === 'train');
const test = items.filter((i) => i.split === 'test');
const setup = { preset: 'lite', classes: DEMO_CLASSES, extractor: { faces: 'none' as const }, training: { epochs: 2, batchSize: 4, learningRate: 1e-3 } };

describe('the estimator reads feature stores (sklearn: fit on arrays)', () => {
  it('on a features folder: the widths come from its manifests, fit and evaluate load no extractor model, and train as an extracting pipeline does', async () => {
    const features = path.join(dir, 'features');
    // Extraction writes the store once.
    const extracting = await createPipeline('avt-ca', setup);
    const eager = await extracting.fit(train, { validation: test, runDir: path.join(dir, 'run-eager'), featuresDir: features });
    extracting.dispose();

    const p = await createPipeline('avt-ca', { ...setup, features });
    expect(p.extractor.loaded).toBe(false);
    expect(p.extractor.streams).toEqual(extracting.extractor.streams);
    const history = await p.fit(train, { validation: test, runDir: path.join(dir, 'run-stores'), featuresDir: features });
    const m = await p.evaluate(test, { featuresDir: features });
    expect(p.extractor.loaded).toBe(false);
    // The same seed and features: the same training.
    expect(history.map((h) => h.trainLoss)).toEqual(eager.map((h) => h.trainLoss));
    expect(m.items).toBe(test.length);
    // Raw media need the extractors: they load for the first file.
    await p.predict(test[0].file);
    expect(p.extractor.loaded).toBe(true);
    p.dispose();
  });

  it('a loaded run evaluates stored features without loading models, and loads them to predict a file', async () => {
    const features = path.join(dir, 'features');
    const run = await loadPipeline(path.join(dir, 'run-stores'));
    expect(run.extractor.loaded).toBe(false);
    const m = await run.evaluate(test, { featuresDir: features });
    expect([m.items, run.extractor.loaded]).toEqual([test.length, false]);
    const pred = await run.predict(test[1].file);
    expect(pred.file).toBe(test[1].file);
    expect(run.extractor.loaded).toBe(true);
    run.dispose();
  });
});
