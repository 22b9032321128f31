import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mer/backend';
import { tcnFusionRecipe } from '@mer/tcn-fusion';
import { generateVaDemo } from './demo-data';
import { createPipeline, loadPipeline } from './pipeline-loading';
import type { PipelineModel } from './pipeline-model';
import { readManifest } from './pipeline-manifest';
import type { StageEvent } from './staged-training';
import type { EpochRecord } from './trainer';
import { extractDataset, trainRun } from './workflow';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-stages-'));
const items = generateVaDemo({ dir: path.join(dir, 'va'), train: 3, test: 1, seconds: 3 });
// TCN-fusion's paper preset (its two declared stages) at lite-like widths, so the spec runs on a CPU.
const preset = 'paper';
const model = { visualChannels: 4, audioChannels: 4, kernelSizes: [3, 5], dilations: [1, 2], attentionDim: 8, attentionHeads: 2, headHidden: 8 };
const training = { epochs: 2, batchSize: 2, learningRate: 1e-3, window: { size: 16, hop: 8 } };
const weights = (folder: string) => fs.readFileSync(path.join(folder, 'weights.bin'));

/** Every part's weights, by part name. */
function partValues(m: PipelineModel): Record<string, Float32Array[]> {
  return Object.fromEntries(Object.entries(m.network.parts!()).map(([k, vs]) => [k, vs.map((v) => (v.dataSync() as Float32Array).slice())]));
}
const bytes = (x: Float32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
const same = (a: Float32Array[], b: Float32Array[]) => a.length === b.length && a.every((x, i) => bytes(x).equals(bytes(b[i])));

describe('staged training (a recipe declares stages; TCN-fusion paper §3.7)', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it("TCN-fusion declares the paper's two stages for its paper preset only", () => {
    const stages = tcnFusionRecipe.stages!('paper')!;
    expect(stages.map((s) => [s.name, s.trains, s.heads])).toEqual([
      ['branches', ['visual_tcn', 'vggish_tcn', 'logmel_tcn'], ['visual', 'vggish', 'logmel']],
      ['end-to-end', 'all', undefined],
    ]);
    expect(tcnFusionRecipe.stages!('lite')).toBeUndefined();
    expect(tcnFusionRecipe.stages!('official-code')).toBeUndefined();
  });

  it('trains in two recorded stages: stage 1 leaves fusion and regressor untouched, stage 2 starts from stage 1’s best weights', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const p = await createPipeline('tcn-fusion', { preset, model, training, extractor: { faces: 'none' } });
    const runDir = path.join(dir, 'run-library');
    const atStart: Record<string, Record<string, Float32Array[]>> = {};
    const startSaved = path.join(dir, 'stage-2-start');
    const history = await p.fit(
      items.filter((i) => i.split === 'train'),
      {
        validation: items.filter((i) => i.split === 'test'),
        runDir,
        featuresDir: path.join(dir, 'features-library'),
        onStage: async (e: StageEvent) => {
          atStart[e.stage.name] = partValues(e.model);
          if (e.stage.name === 'end-to-end') await e.model.save(startSaved);
        },
      },
    );
    // (1) Before its first step, stage 2 holds exactly stage 1's kept weights.
    expect(weights(startSaved).equals(weights(path.join(runDir, 'stages', 'branches', 'best')))).toBe(true);
    // (2) Stage 1 trained the branch TCNs only: attention and regressor are byte-identical to their initial values.
    const [initial, afterBranches] = [atStart['branches'], atStart['end-to-end']];
    for (const part of ['vggish_attention', 'logmel_attention', 'head']) expect(same(afterBranches[part], initial[part])).toBe(true);
    for (const part of ['visual_tcn', 'vggish_tcn', 'logmel_tcn']) expect(same(afterBranches[part], initial[part])).toBe(false);
    // ... and stage 2, end to end, trained them.
    const final = partValues(p.network);
    for (const part of ['vggish_attention', 'logmel_attention', 'head']) expect(same(final[part], afterBranches[part])).toBe(false);
    // The record: every epoch with its stage; each stage's selection in pipeline.json; the last stage's best is the run's.
    expect(history.map((r: EpochRecord) => `${r.stage}:${r.epoch}`)).toEqual(['branches:1', 'branches:2', 'end-to-end:1', 'end-to-end:2']);
    expect((history[0].validation as { heads: Record<string, unknown> }).heads).toHaveProperty('logmel');
    expect(fs.readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(4);
    const m = readManifest(runDir);
    expect(m.stages!.map((s) => [s.name, s.startedFrom, s.selection.on, s.selection.epochs])).toEqual([
      ['branches', 'initial weights', 'validation split', 2],
      ['end-to-end', 'branches best', 'validation split', 2],
    ]);
    expect(m.stages![0].selection.metric).toBe('CCC, mean over the heads visual, vggish, logmel');
    for (const s of m.stages!) expect([1, 2]).toContain(s.selection.bestEpoch);
    expect(weights(path.join(runDir, 'best')).equals(weights(path.join(runDir, 'stages', 'end-to-end', 'best')))).toBe(true);
    p.dispose();
    // The stages' heads, optimizers and views leave no tensor behind.
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    const loaded = await loadPipeline(runDir);
    expect(loaded.stages).toEqual(m.stages);
    loaded.dispose();
  });

  it("a stage trains only the parts it names, even where its loss reaches others (a user's recipe declaring its own stages)", async () => {
    // The network's own output and loss, the regressor alone trained first: the TCNs and attention it reads from stay as they are.
    const recipe = {
      ...tcnFusionRecipe,
      name: 'tcn-fusion-regressor-first',
      stages: () => [
        { name: 'regressor', about: 'the regressor alone', trains: ['head'] },
        { name: 'all', about: 'every weight', trains: 'all' as const, startsFrom: 'last' as const },
      ],
    };
    const p = await createPipeline(recipe, { preset, model, training: { ...training, epochs: 1 }, extractor: { faces: 'none' } });
    const atStart: Record<string, Record<string, Float32Array[]>> = {};
    const runDir = path.join(dir, 'run-regressor-first');
    await p.fit(items.filter((i) => i.split === 'train'), { runDir, featuresDir: path.join(dir, 'features-regressor-first'), onStage: (e) => void (atStart[e.stage.name] = partValues(e.model)) });
    const [initial, after] = [atStart['regressor'], atStart['all']];
    expect(same(after['head'], initial['head'])).toBe(false);
    for (const part of ['visual_tcn', 'vggish_tcn', 'logmel_tcn', 'vggish_attention', 'logmel_attention']) expect(same(after[part], initial[part])).toBe(true);
    expect(readManifest(runDir).stages!.map((s) => [s.name, s.startedFrom, s.selection.on])).toEqual([
      ['regressor', 'initial weights', 'last epoch'],
      ['all', 'regressor last', 'last epoch'],
    ]);
    p.dispose();
  });

  it('mer train: a run killed inside stage 1, between the stages and inside stage 2 resumes where it was and ends where an unkilled run does', async () => {
    const features = path.join(dir, 'features');
    await extractDataset({ pipeline: 'tcn-fusion', dataset: 'demo', out: features, items, extractor: { faces: 'none' } });
    const straight = path.join(dir, 'run-straight');
    const a = await trainRun({ features, out: straight, preset, model, training });
    expect(readManifest(straight).stages!.map((s) => s.name)).toEqual(['branches', 'end-to-end']);

    const killed = path.join(dir, 'run-killed');
    await trainRun({ features, out: killed, preset, model, training, stopAfter: 1 }); // inside stage 1
    expect(readManifest(killed).stages).toBeUndefined();
    const seen: string[] = [];
    let stage2Start: Buffer | null = null;
    const onStage = async (e: StageEvent) => {
      seen.push(`${e.stage.name}:${e.how}`);
      if (e.stage.name === 'end-to-end' && e.how === 'new') {
        await e.model.save(path.join(dir, 'killed-stage-2-start'));
        stage2Start = weights(path.join(dir, 'killed-stage-2-start'));
      }
    };
    await trainRun({ features, out: killed, resume: true, stopAfter: 1, onStage }); // stage 1 ends
    expect(seen).toEqual(['branches:resumed']);
    expect(readManifest(killed).stages!.map((s) => s.name)).toEqual(['branches']);
    // A fresh process builds the network anew: stage 2 loads stage 1's kept weights before its first step.
    seen.length = 0;
    await trainRun({ features, out: killed, resume: true, stopAfter: 1, onStage }); // inside stage 2
    expect(seen).toEqual(['branches:done', 'end-to-end:new']);
    expect(stage2Start!.equals(weights(path.join(killed, 'stages', 'branches', 'best')))).toBe(true);
    const stage1 = path.join(killed, 'stages', 'branches', 'metrics.jsonl');
    const stage1Lines = fs.readFileSync(stage1, 'utf8');
    expect(fs.readFileSync(path.join(killed, 'stages', 'end-to-end', 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);

    seen.length = 0;
    const b = await trainRun({ features, out: killed, resume: true, onStage });
    expect(seen).toEqual(['branches:done', 'end-to-end:resumed']);
    expect(fs.readFileSync(stage1, 'utf8')).toBe(stage1Lines); // stage 1 not rerun
    expect(b.history.map((r) => `${r.stage}:${r.epoch}`)).toEqual(a.history.map((r) => `${r.stage}:${r.epoch}`));
    expect(b.history.map((r) => r.trainLoss)).toEqual(a.history.map((r) => r.trainLoss));
    for (const s of ['branches', 'end-to-end']) {
      expect(weights(path.join(killed, 'stages', s, 'checkpoint', 'model')).equals(weights(path.join(straight, 'stages', s, 'checkpoint', 'model')))).toBe(true);
    }
    expect(readManifest(killed).stages).toEqual(readManifest(straight).stages);
  });
});
