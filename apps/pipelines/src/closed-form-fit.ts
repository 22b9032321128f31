import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFolderAtomic } from '@mer/media';
import type { ClosedFormFit } from '@mer/training';
import type { ModelBatch } from './pipeline-model';
import type { BatchSource, EpochRecord, TrainerOptions } from './trainer';

/** What a closed-form fit needs of the model: fit on standardised inputs, then save (`PipelineModel`). */
export interface ClosedFormModel {
  fitClosedForm(batch: ModelBatch, labels: Int32Array, groups: readonly string[] | null): Promise<ClosedFormFit>;
  save(dir: string): Promise<void>;
}

/**
 * The trainer's path for closed-form networks (`RecipeNetwork.fitClosedForm`): every training item in
 * one batch, one fit (its hyper-parameters chosen on the training items' speakers, `groups`), then
 * the validation the trainer would run after an epoch, and the fitted model kept as `runDir/best`. One
 * record in `metrics.jsonl`, with what the fit chose; a resumed run fits again (it is cheap).
 */
export async function fitClosedForm(model: ClosedFormModel, data: BatchSource, options: Pick<TrainerOptions, 'runDir' | 'validate' | 'onEpoch'> & { groups?: ReadonlyMap<string, string> }): Promise<EpochRecord[]> {
  const t0 = Date.now();
  fs.mkdirSync(options.runDir, { recursive: true });
  const metricsFile = path.join(options.runDir, 'metrics.jsonl');
  fs.rmSync(metricsFile, { force: true });
  const [batch] = [...data.batches({ batchSize: Math.max(1, data.size), shuffle: false })];
  let fit: ClosedFormFit;
  try {
    if (!batch.classLabels) throw new Error('a closed-form network is fitted to class labels; these items have none');
    const labels = Int32Array.from(await batch.classLabels.data());
    const named = batch.ids.map((id) => options.groups?.get(id) ?? '');
    fit = await model.fitClosedForm(batch, labels, named.every((g) => g !== '') ? named : null);
  } finally {
    batch.dispose();
  }
  const record: EpochRecord & { closedForm: ClosedFormFit } = { epoch: 1, trainLoss: NaN, learningRate: 0, seconds: 0, best: true, closedForm: fit };
  if (options.validate) {
    const v = await options.validate();
    record.validationScore = v.score;
    record.validation = v.metrics;
  }
  record.seconds = (Date.now() - t0) / 1000;
  await writeFolderAtomic(path.join(options.runDir, 'best'), (tmp) => model.save(tmp));
  fs.appendFileSync(metricsFile, `${JSON.stringify(record)}\n`);
  options.onEpoch?.(record);
  return [record];
}
