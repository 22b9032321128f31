import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadWeights, seedDropout } from '@mer/attention-fusion';
import { AdamW, createRng } from '@mer/backend';
import { folderFiles, writeFileAtomic, writeFolderAtomic } from '@mer/media';
import { EarlyStopping, EarlyStoppingState, learningRateControl, optimizerState, ReduceLROnPlateau, restoreOptimizerState, StepLR, TrainingConfig } from '@mer/training';
import { disposeMixed } from './mixup';
import { BatchAugmentation } from './batch-augmentation';
import { ModelBatch, ModelOutput, PipelineModel } from './pipeline-model';
import type { TaskDefinition } from './tasks/task-definition';
import { fitClosedForm } from './closed-form-fit';
import { taskFor } from './tasks/task-registry';

/** A batch as both dataset kinds yield it (SequenceDataset for frame-level, ClipDataset for clips). */
export interface TrainingBatch {
  features: Record<string, tf.Tensor3D>;
  mask?: tf.Tensor2D;
  frameLabels?: tf.Tensor3D;
  classLabels?: tf.Tensor1D;
  /** [B, C] multi-label targets in {0, 1}. */
  multiLabels?: tf.Tensor2D;
  ids: string[];
  dispose(): void;
}

export interface BatchSource {
  readonly size: number;
  batches(options: { batchSize: number; shuffle?: boolean; seed?: number }): Iterable<TrainingBatch>;
}

/** One line of `metrics.jsonl`. */
export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  /** The validation score the run selects on (the task's selection metric), when there is a validation set. */
  validationScore?: number;
  validation?: Record<string, unknown>;
  learningRate: number;
  seconds: number;
  best: boolean;
  /** The training stage it belongs to (staged recipes); its epochs count from 1 within the stage. */
  stage?: string;
}

/** What a training stage changes in the loop (`TrainerOptions.stage`; `staged-training.ts` builds it). */
export interface StageHooks {
  /** The variables gradient descent updates; every other weight stays exactly as it is. */
  variables: tf.Variable[];
  /** The outputs whose task losses add up to the training loss (the stage's auxiliary heads). Absent: the network's output. */
  outputs?: (batch: ModelBatch, options: { training: boolean; drop?: string }) => ModelOutput[];
  /** Extra weights (the heads) written beside each checkpoint's model, into `dir`, and read back on resume. */
  save?: (dir: string) => Promise<void>;
  load?: (dir: string) => void;
}

export interface TrainerOptions {
  runDir: string;
  /** Continue from `runDir/checkpoint` (the state after the last finished epoch). */
  resume?: boolean;
  /** What is learned: its loss, mixup, and the direction of its selection score. Default: the network's own task. */
  task?: TaskDefinition;
  /** Per-class loss weights (class-balanced training). */
  classWeights?: number[] | null;
  /** Validation: returns the selection score (better as the task's selection direction says) and the metrics to log. */
  validate?: () => Promise<{ score: number; metrics: Record<string, unknown> }>;
  onEpoch?: (record: EpochRecord) => void;
  /** Progress within an epoch: batches done of the epoch's total. */
  onBatch?: (epoch: number, done: number, total: number) => void;
  /** Stop after this many epochs in this call (for tests of resume; the schedule stays the configured one). */
  stopAfter?: number;
  /** A training stage's share of the network (staged recipes). Default: every weight, the network's output. */
  stage?: StageHooks;
  /** Each training item's speaker (or other group), by id: a closed-form network's inner selection, mixup within a speaker and CopyPaste use them. */
  groups?: ReadonlyMap<string, string>;
  /** The run's class names (CopyPaste finds its neutral class among them). */
  classes?: readonly string[];
}

interface TrainerState {
  epoch: number;
  learningRate: number;
  bestScore: number | null;
  scheduler?: unknown;
  earlyStopping?: EarlyStoppingState;
  optimizer: { name: string; shape: number[] }[];
  /** Adam's running β₁ᵗ, β₂ᵗ: tfjs recomputes them as powers on restore, which differs in the last bits. */
  adamBetaPowers?: [number, number];
}

function makeOptimizer(config: TrainingConfig): tf.Optimizer {
  if (config.optimizer === 'adamw') return new AdamW({ learningRate: config.learningRate, weightDecay: config.weightDecay });
  if (config.optimizer === 'adam') return tf.train.adam(config.learningRate);
  return tf.train.momentum(config.learningRate, config.momentum);
}

/** The optimizer's state beside the checkpoint: slot values in `optimizer.bin`, the rest in state.json. */
async function saveOptimizer(optimizer: tf.Optimizer, dir: string): Promise<Pick<TrainerState, 'optimizer' | 'adamBetaPowers'>> {
  const state = await optimizerState(optimizer);
  writeFileAtomic(path.join(dir, 'optimizer.bin'), new Uint8Array(state.values.buffer));
  return { optimizer: state.slots, adamBetaPowers: state.adamBetaPowers };
}

async function loadOptimizer(optimizer: tf.Optimizer, dir: string, state: TrainerState): Promise<void> {
  const bytes = fs.readFileSync(path.join(dir, 'optimizer.bin'));
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  await restoreOptimizerState(optimizer, { slots: state.optimizer, values, adamBetaPowers: state.adamBetaPowers });
}

/**
 * The training loop every pipeline shares: seeded shuffling and dropout per epoch, the configured
 * optimizer (AdamW; Adam/SGD with L2 weight decay as PyTorch's `weight_decay`), scheduler and early
 * stopping on the validation score, a checkpoint (weights + optimizer + scheduler state) written
 * atomically after every epoch, the best model kept in `runDir/best`, and one JSON line per epoch
 * in `runDir/metrics.jsonl`. `resume` continues from the checkpoint and reproduces the
 * uninterrupted run exactly (same batches, dropout masks and optimizer moments).
 */
export async function trainModel(model: PipelineModel, data: BatchSource, config: TrainingConfig, options: TrainerOptions): Promise<EpochRecord[]> {
  // A kernel machine is fitted once, in closed form, instead of by epochs.
  if (model.closedForm) return fitClosedForm(model, data, options);
  const { runDir } = options;
  fs.mkdirSync(runDir, { recursive: true });
  const checkpointDir = path.join(runDir, 'checkpoint');
  const metricsFile = path.join(runDir, 'metrics.jsonl');
  const task = options.task ?? taskFor(model.recipe);
  const lossOptions = { kind: config.loss, classWeights: options.classWeights ?? null };
  const mode = task.selection.direction;
  const better = (score: number, best: number) => (mode === 'max' ? score > best : score < best);
  const optimizer = makeOptimizer(config);
  const lr = learningRateControl(optimizer as unknown as Parameters<typeof learningRateControl>[0]);
  const plateau = config.scheduler.kind === 'plateau' ? new ReduceLROnPlateau(lr, { mode, factor: config.scheduler.factor, patience: config.scheduler.patience }) : null;
  const step = config.scheduler.kind === 'step' ? new StepLR(lr, config.scheduler.stepSize, config.scheduler.gamma) : null;
  const early = config.earlyStoppingPatience === null ? null : new EarlyStopping({ mode, patience: config.earlyStoppingPatience });
  let startEpoch = 0;
  let bestScore: number | null = null;
  const history: EpochRecord[] = [];

  if (options.resume) {
    const stateFile = path.join(checkpointDir, 'state.json');
    if (!fs.existsSync(stateFile)) throw new Error(`${runDir}: nothing to resume (no checkpoint/state.json)`);
    const state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as TrainerState;
    loadWeights(model.layer, folderFiles(path.join(checkpointDir, 'model')));
    options.stage?.load?.(path.join(checkpointDir, 'stage'));
    await loadOptimizer(optimizer, checkpointDir, state);
    lr.setLearningRate(state.learningRate);
    if (plateau && state.scheduler) plateau.restore(state.scheduler as Parameters<ReduceLROnPlateau['restore']>[0]);
    if (step && state.scheduler) step.restore(state.scheduler as Parameters<StepLR['restore']>[0]);
    if (early && state.earlyStopping) early.restore(state.earlyStopping);
    startEpoch = state.epoch;
    bestScore = state.bestScore;
    // Epoch lines written after the checkpoint (a crash between the two) are dropped, then redone.
    if (fs.existsSync(metricsFile)) {
      const kept = fs
        .readFileSync(metricsFile, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '' && (JSON.parse(l) as EpochRecord).epoch <= startEpoch);
      for (const l of kept) history.push(JSON.parse(l) as EpochRecord);
      writeFileAtomic(metricsFile, kept.map((l) => `${l}\n`).join(''));
    }
  } else {
    fs.rmSync(metricsFile, { force: true });
  }

  const variables = options.stage?.variables ?? model.layer.variables();
  const stageOutputs = options.stage?.outputs;
  if (stageOutputs && config.mixup) throw new Error(`${runDir}: mixup is not available in a stage with auxiliary heads`);
  if (stageOutputs && config.copyPaste) throw new Error(`${runDir}: CopyPaste is not available in a stage with auxiliary heads`);
  // Feature masking, CopyPaste, mixup within a speaker (null when all are off: the loop is as it always was).
  const augment = BatchAugmentation.create(config, model, options);
  const droppable = model.recipe.droppable ?? [];
  const l2 = config.optimizer !== 'adamw' && config.weightDecay > 0 ? config.weightDecay : 0;
  let ran = 0;
  for (let epoch = startEpoch + 1; epoch <= config.epochs; epoch++) {
    const t0 = Date.now();
    seedDropout(config.seed * 100_003 + epoch);
    let lossSum = 0;
    let batches = 0;
    let flip = 0;
    let batchIndex = 0;
    const batchTotal = Math.ceil(data.size / config.batchSize);
    const mixRng = createRng(config.seed * 7_919 + epoch); // per epoch, so a resumed run mixes as an unbroken one
    augment?.startEpoch(epoch);
    for (const batch of data.batches({ batchSize: config.batchSize, shuffle: true, seed: config.seed * 1_000_003 + epoch })) {
      const masked = await augment?.input(batch);
      const input = masked?.batch ?? batch;
      const mix = config.mixup ? task.mixup(input, config.mixup, mixRng, config.mixupWithinSpeaker ? augment!.speakers(batch) : undefined) : null;
      const pasted = (await augment?.paste(input)) ?? null;
      const drops: (string | undefined)[] = config.modalityDropout && droppable.length > 0 ? [undefined, droppable[flip++ % droppable.length]] : [undefined];
      // CopyPaste's rows train in one more step after the batch's.
      const steps: { drop?: string; paste?: boolean }[] = [...drops.map((drop) => ({ drop })), ...(pasted ? [{ paste: true }] : [])];
      for (const { drop, paste } of steps) {
        const { value, grads } = tf.variableGrads(() => {
          if (paste) return task.loss(model.forward(pasted!, { training: true }), pasted!, lossOptions);
          if (mix) {
            const out = model.forward(mix, { training: true, drop });
            const own = tf.mul(task.loss(out, batch, lossOptions), mix.lambda);
            return tf.add(own, tf.mul(task.loss(out, { classLabels: mix.partnerLabels }, lossOptions), 1 - mix.lambda)) as tf.Scalar;
          }
          if (stageOutputs) return tf.addN(stageOutputs(input, { training: true, drop }).map((o) => task.loss(o, batch, lossOptions))) as tf.Scalar;
          const out = model.forward(input, { training: true, drop });
          return task.loss(out, batch, lossOptions);
        }, variables);
        const loss = (await value.data())[0];
        if (!Number.isFinite(loss)) {
          tf.dispose([value, ...Object.values(grads)]);
          if (mix) disposeMixed(mix);
          pasted?.dispose();
          masked?.free();
          batch.dispose();
          throw new Error(`epoch ${epoch}: the training loss became ${loss} (batch ${batch.ids.slice(0, 3).join(', ')}…); lower the learning rate`);
        }
        if (l2 > 0) {
          for (const v of variables) {
            const g = grads[v.name];
            if (g) {
              grads[v.name] = tf.tidy(() => tf.add(g, tf.mul(v, l2)));
              g.dispose();
            }
          }
        }
        optimizer.applyGradients(grads);
        tf.dispose([value, ...Object.values(grads)]);
        lossSum += loss;
        batches++;
      }
      if (mix) disposeMixed(mix);
      pasted?.dispose();
      masked?.free();
      batch.dispose();
      options.onBatch?.(epoch, ++batchIndex, batchTotal);
    }
    seedDropout(null);
    const record: EpochRecord = { epoch, trainLoss: batches ? lossSum / batches : NaN, learningRate: lr.getLearningRate(), seconds: 0, best: false };
    let stop = false;
    if (options.validate) {
      const v = await options.validate();
      record.validationScore = v.score;
      record.validation = v.metrics;
      record.best = bestScore === null || better(v.score, bestScore);
      if (record.best) bestScore = v.score;
      plateau?.step(v.score);
      if (early) stop = early.step(v.score).stop;
    } else {
      record.best = true; // without validation the last epoch is the one kept
    }
    step?.step();
    record.seconds = (Date.now() - t0) / 1000;
    if (record.best) await writeFolderAtomic(path.join(runDir, 'best'), (tmp) => model.save(tmp));
    await writeFolderAtomic(checkpointDir, async (tmp) => {
      await model.save(path.join(tmp, 'model'));
      await options.stage?.save?.(path.join(tmp, 'stage'));
      const state: TrainerState = {
        epoch,
        learningRate: lr.getLearningRate(),
        bestScore,
        scheduler: plateau?.state() ?? step?.state(),
        earlyStopping: early?.state(),
        ...(await saveOptimizer(optimizer, tmp)),
      };
      writeFileAtomic(path.join(tmp, 'state.json'), JSON.stringify(state));
    });
    fs.appendFileSync(metricsFile, `${JSON.stringify(record)}\n`);
    history.push(record);
    options.onEpoch?.(record);
    ran++;
    if (stop || (options.stopAfter !== undefined && ran >= options.stopAfter)) break;
  }
  optimizer.dispose();
  return history;
}
