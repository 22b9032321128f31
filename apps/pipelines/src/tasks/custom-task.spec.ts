import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { ValenceArousalMetrics } from '@mer/metrics';
import { generateVaDemo } from '../demo-data';
import { metricRows, summariseMetrics } from '../evaluation';
import { createPipeline, loadPipeline } from '../pipeline-loading';
import { readManifest } from '../pipeline-manifest';
import { selectionLine } from '../selection';
import type { TaskDefinition, TaskMetrics } from './task-definition';
import { getTask, registerTask } from './task-registry';
import { frameValues, labelledFrames } from './va-task';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-custom-task-'));
const items = generateVaDemo({ dir: path.join(dir, 'va'), train: 3, test: 1, seconds: 3 });

/** What the custom task's loss returned, call by call. */
const losses: number[] = [];
type RmseMetrics = TaskMetrics & { rmse: number };

/**
 * A regression variant mer does not ship, written as a user would: valence/arousal per frame trained
 * with an L1 loss, the kept epoch chosen by the mean RMSE of V and A — lower is better.
 */
const va = getTask('va');
const vaL1: TaskDefinition = {
  ...va,
  name: 'va-l1',
  description: 'per-frame valence/arousal, L1 loss, selected by mean RMSE (lower is better)',
  loss: (output, target) => {
    const loss = tf.tidy(() => {
      const valid = labelledFrames(target.frameLabels!, target.mask); // [B, T]
      const err = tf.sum(tf.abs(tf.sub(frameValues(output), target.frameLabels!)), -1); // [B, T]
      return tf.div(tf.sum(tf.mul(err, valid)), tf.maximum(tf.mul(tf.sum(valid), 2), 1)) as tf.Scalar;
    });
    losses.push(loss.dataSync()[0]);
    return loss;
  },
  evaluator: (model, stores, evaluated, options) => {
    const frames = va.evaluator(model, stores, evaluated, options);
    return async () => {
      const m = (await frames()) as TaskMetrics & { va: ValenceArousalMetrics };
      return { task: 'va-l1', rmse: (m.va.valence.rmse + m.va.arousal.rmse) / 2, items: m.items };
    };
  },
  selection: { metric: 'mean RMSE', direction: 'min', score: (m) => (m as RmseMetrics).rmse },
  summary: (m) => ({ rmse: (m as RmseMetrics).rmse, items: m.items }),
  metricRows: (m) => [
    ['metric', 'value'],
    ['mean RMSE', (m as RmseMetrics).rmse],
  ],
};
registerTask(vaL1);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('a task registered by a user', () => {
  it('is trained, selected, recorded, loaded and evaluated by mer unchanged: its loss, its metric, its direction', async () => {
    const epochs = 4;
    const p = await createPipeline('maven', { task: 'va-l1', preset: 'lite', extractor: { faces: 'none' }, training: { epochs, batchSize: 2, learningRate: 3e-3, window: { size: 16, hop: 8 }, earlyStoppingPatience: null } });
    expect(p.task.name).toBe('va-l1');
    const runDir = path.join(dir, 'run');
    const validation = items.filter((i) => i.split === 'test');
    const history = await p.fit(items.filter((i) => i.split === 'train'), { validation, runDir });
    p.dispose();

    // Every training step took the custom loss: each epoch's train loss is the mean of what it returned.
    expect(losses.length % epochs).toBe(0);
    const perEpoch = losses.length / epochs;
    history.forEach((h, e) => expect(h.trainLoss).toBeCloseTo(losses.slice(e * perEpoch, (e + 1) * perEpoch).reduce((a, b) => a + b, 0) / perEpoch, 5));
    // Validation is the custom metric, and the best epoch is each new minimum (direction 'min').
    history.forEach((h) => expect(h.validation).toEqual({ rmse: h.validationScore, items: 1 }));
    let min = Infinity;
    expect(history.map((h) => h.best)).toEqual(history.map((h) => h.validationScore! < min && ((min = h.validationScore!), true)));
    const kept = history.filter((h) => h.best).pop()!;
    expect(kept.validationScore).toBe(Math.min(...history.map((h) => h.validationScore!)));

    // The run says which metric selected, and records the task so that loading it learns the same.
    const manifest = readManifest(runDir);
    expect(manifest.task).toBe('va-l1');
    expect(manifest.multiLabel).toBeUndefined();
    expect(selectionLine(manifest.selection!)).toBe(`selection: validation split (1 items), metric mean RMSE, best epoch ${kept.epoch} of ${epochs}`);
    const loaded = await loadPipeline(runDir);
    expect(loaded.task).toBe(vaL1);
    const m = await loaded.evaluate(validation, { featuresDir: path.join(runDir, 'features') });
    loaded.dispose();
    expect(m.task).toBe('va-l1');
    // The kept weights score on the validation items what they scored when they were chosen.
    expect(summariseMetrics(m)).toEqual({ rmse: expect.closeTo(kept.validationScore!, 6), items: 1 });
    expect(metricRows(m)).toEqual([
      ['metric', 'value'],
      ['mean RMSE', expect.closeTo(kept.validationScore!, 6)],
    ]);
  }, 180_000);

  it('is refused on a network of another output, naming both; built-in names stay built in', async () => {
    await expect(createPipeline('avt-ca', { task: 'va-l1', classes: ['a', 'b'] })).rejects.toThrow("avt-ca: the 'va-l1' task needs a va network (this one's task is classification)");
    expect(() => registerTask({ ...vaL1, name: 'va' })).toThrow("task 'va' is built in; register yours under another name");
    expect(() => getTask('va-l2')).toThrow("unknown task 'va-l2' (registered: classification, va, multilabel, va-l1)");
  });
});
