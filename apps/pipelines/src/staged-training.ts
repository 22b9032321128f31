import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadWeights } from '@mer/attention-fusion';
import { folderFiles, writeFileAtomic, writeFolderAtomic } from '@mer/media';
import type { TrainingConfig, TrainingStage } from '@mer/training';
import type { PipelineModel } from './pipeline-model';
import type { Selection } from './selection';
import { stagePart, Validation } from './stage-part';
import { BatchSource, EpochRecord, TrainerOptions, trainModel } from './trainer';

/** One finished stage, as the run's pipeline.json records it. */
export interface StageRecord {
  name: string;
  about: string;
  trains: readonly string[] | 'all';
  heads?: readonly string[];
  /** The weights it started from: 'initial weights', or the previous stage's `best` or `last` epoch. */
  startedFrom: string;
  /** What chose its kept epoch (for a stage with heads: the mean of their scores), the epoch, and of how many. */
  selection: Selection;
  /** The kept epoch's selection score (absent without validation). */
  bestScore?: number;
}

/** Where the stages stand, before each one: 'new', 'resumed' inside it, or 'done' (skipped). */
export interface StageEvent {
  stage: TrainingStage;
  /** The model being trained, holding the weights the stage starts from (for 'done': the weights so far). */
  model: PipelineModel;
  index: number;
  count: number;
  how: 'new' | 'resumed' | 'done';
}

export interface StagedTrainingOptions extends Pick<TrainerOptions, 'runDir' | 'resume' | 'task' | 'classWeights' | 'onEpoch' | 'onBatch' | 'stopAfter'> {
  stages: readonly TrainingStage[];
  /** A validation of a model (the network, or a view of one of a stage's heads); absent: each stage keeps its last epoch. */
  validateWith?: (model: PipelineModel) => Validation;
  /** What selects (the run's), each stage's record starts from. */
  selection?: Selection;
  /** Before each stage; the model holds the weights the stage starts from. */
  onStage?: (event: StageEvent) => void | Promise<void>;
  /** After each finished stage, with every finished stage's record so far. */
  onStageDone?: (records: StageRecord[]) => void;
  onNote?: (note: string) => void;
}

function readHistory(dir: string): EpochRecord[] {
  const file = path.join(dir, 'metrics.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as EpochRecord);
}

/** Whether the stage in `dir` has run its epochs or stopped early, by its checkpoint. */
function stageFinished(dir: string, config: TrainingConfig): boolean {
  const file = path.join(dir, 'checkpoint', 'state.json');
  if (!fs.existsSync(file)) return false;
  const state = JSON.parse(fs.readFileSync(file, 'utf8')) as { epoch: number; earlyStopping?: { epoch: number; bestEpoch: number } };
  const early = state.earlyStopping;
  return state.epoch >= config.epochs || (config.earlyStoppingPatience !== null && early !== undefined && early.bestEpoch >= 0 && early.epoch - early.bestEpoch >= config.earlyStoppingPatience);
}

/**
 * A recipe's declared stages in order, each a `trainModel` run in `<runDir>/stages/<name>/` (its own
 * checkpoint, metrics.jsonl and best/) over the variables it trains, with the heads it adds and its
 * own selection on the same validation items; stage k + 1 starts from stage k's kept (or last) weights.
 * `resume` skips finished stages (their `stage.json`) and continues inside the current one; `stopAfter`
 * counts epochs across stages. The current stage's best is kept as `<runDir>/best`, every epoch (with its
 * stage) in `<runDir>/metrics.jsonl`.
 */
export async function trainStages(model: PipelineModel, data: BatchSource, config: TrainingConfig, options: StagedTrainingOptions): Promise<{ history: EpochRecord[]; stages: StageRecord[]; finished: boolean }> {
  const { runDir, stages } = options;
  const stagesDir = path.join(runDir, 'stages');
  if (!options.resume) fs.rmSync(stagesDir, { recursive: true, force: true });
  const history: EpochRecord[] = [];
  const records: StageRecord[] = [];
  let ran = 0;
  const result = (finished: boolean) => ({ history, stages: records, finished });
  for (const [index, stage] of stages.entries()) {
    const dir = path.join(stagesDir, stage.name);
    const recordFile = path.join(dir, 'stage.json');
    const event = (how: StageEvent['how']) => options.onStage?.({ stage, model, index, count: stages.length, how });
    if (options.resume && fs.existsSync(recordFile)) {
      records.push(JSON.parse(fs.readFileSync(recordFile, 'utf8')) as StageRecord);
      history.push(...readHistory(dir).map((r) => ({ ...r, stage: stage.name })));
      await event('done');
      continue;
    }
    if (options.stopAfter !== undefined && ran >= options.stopAfter) return result(false);
    const stageConfig: TrainingConfig = { ...config, epochs: stage.epochs ?? config.epochs };
    const resumed = !!options.resume && fs.existsSync(path.join(dir, 'checkpoint', 'state.json'));
    const previous = index > 0 ? stages[index - 1] : null;
    const startsFrom = stage.startsFrom ?? 'best';
    if (!resumed) {
      fs.rmSync(dir, { recursive: true, force: true });
      if (previous) loadWeights(model.layer, folderFiles(path.join(stagesDir, previous.name, ...(startsFrom === 'best' ? ['best'] : ['checkpoint', 'model']))));
    }
    options.onNote?.(`stage ${index + 1}/${stages.length} '${stage.name}'${resumed ? ' (resumed)' : ''}: ${stage.about}; ${stageConfig.epochs} epochs`);
    await event(resumed ? 'resumed' : 'new');
    let own: EpochRecord[];
    if (resumed && stageFinished(dir, stageConfig)) {
      own = readHistory(dir); // killed between its last checkpoint and its record
    } else {
      const part = stagePart(model, stage, config.seed * 9_973 + index);
      try {
        own = await trainModel(model, data, stageConfig, {
          runDir: dir,
          resume: resumed,
          task: options.task,
          classWeights: options.classWeights,
          stage: part.hooks,
          validate: options.validateWith ? part.validation(options.validateWith) : undefined,
          stopAfter: options.stopAfter === undefined ? undefined : options.stopAfter - ran,
          onBatch: options.onBatch,
          onEpoch: (r) => {
            ran++;
            options.onEpoch?.({ ...r, stage: stage.name });
          },
        });
      } finally {
        part.dispose();
      }
    }
    history.push(...own.map((r) => ({ ...r, stage: stage.name })));
    if (fs.existsSync(path.join(dir, 'best'))) await writeFolderAtomic(path.join(runDir, 'best'), async (tmp) => fs.cpSync(path.join(dir, 'best'), tmp, { recursive: true }));
    writeFileAtomic(path.join(runDir, 'metrics.jsonl'), history.map((r) => `${JSON.stringify(r)}\n`).join(''));
    if (!stageFinished(dir, stageConfig)) return result(false);
    const kept = own.filter((r) => r.best).pop();
    const metric = options.selection?.metric && stage.heads?.length ? `${options.selection.metric}, mean over the heads ${stage.heads.join(', ')}` : options.selection?.metric;
    const record: StageRecord = {
      name: stage.name,
      about: stage.about,
      trains: stage.trains,
      ...(stage.heads ? { heads: stage.heads } : {}),
      startedFrom: previous ? `${previous.name} ${startsFrom}` : 'initial weights',
      selection: { ...(options.selection ?? { on: 'last epoch', items: 0 }), ...(metric ? { metric } : {}), bestEpoch: kept?.epoch, epochs: own.length ? own[own.length - 1].epoch : 0 },
      ...(kept?.validationScore !== undefined ? { bestScore: kept.validationScore } : {}),
    };
    writeFileAtomic(recordFile, JSON.stringify(record, null, 2));
    records.push(record);
    options.onStageDone?.([...records]);
  }
  return result(true);
}
