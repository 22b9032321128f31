import * as tf from '@tensorflow/tfjs-core';
import { createRng, Rng } from '@mer/backend';
import type { TrainingConfig } from '@mer/training';
import { copyPasteBatch, PastedBatch } from './copy-paste';
import { maskFeatures } from './feature-masking';
import type { PipelineModel } from './pipeline-model';
import type { TrainingBatch } from './trainer';

/**
 * What the training loop does to each batch besides mixup: feature masking (`featureMasking`) of the
 * batch the network sees, CopyPaste (`copyPaste`) rows for one extra step, and each row's speaker for
 * mixup within a speaker (`mixupWithinSpeaker`). Built only when one of them is on; evaluation and
 * prediction never pass through it. Its random draws come from generators of its own, seeded per
 * epoch, so turning it on leaves the batches, dropout and mixup draws as they were.
 */
export class BatchAugmentation {
  private maskRng: Rng = createRng(0);
  private pasteRng: Rng = createRng(0);
  private readonly neutral: number | null;

  private constructor(
    private readonly config: TrainingConfig,
    private readonly model: PipelineModel,
    private readonly groups: ReadonlyMap<string, string> | undefined,
    classes: readonly string[] | undefined,
  ) {
    const cp = config.copyPaste;
    if (cp) {
      const k = classes?.indexOf(cp.neutralClass) ?? -1;
      if (k < 0) throw new Error(`training "copyPaste": no class '${cp.neutralClass}' among ${classes ? classes.join(', ') : "this run's labels (it has no class names)"}`);
      this.neutral = k;
    } else this.neutral = null;
  }

  /** Null when the config turns none of them on. */
  static create(config: TrainingConfig, model: PipelineModel, options: { groups?: ReadonlyMap<string, string>; classes?: readonly string[] }): BatchAugmentation | null {
    if (!config.featureMasking && !config.copyPaste && !config.mixupWithinSpeaker) return null;
    return new BatchAugmentation(config, model, options.groups, options.classes);
  }

  /** Per epoch, so a resumed run augments as an unbroken one. */
  startEpoch(epoch: number): void {
    this.maskRng = createRng(this.config.seed * 7_927 + epoch);
    this.pasteRng = createRng(this.config.seed * 7_933 + epoch);
  }

  /** Each row's speaker (mixup within a speaker, CopyPaste); an item that names none is refused. */
  speakers(batch: TrainingBatch): string[] {
    return batch.ids.map((id) => {
      const s = this.groups?.get(id);
      if (!s) throw new Error(`training item '${id}' names no speaker: mixup within a speaker and CopyPaste pair rows of one speaker`);
      return s;
    });
  }

  /** The batch with its features masked (new tensors, freed by `free`), or the batch itself. */
  input(batch: TrainingBatch): { batch: TrainingBatch; free(): void } {
    if (!this.config.featureMasking) return { batch, free: () => undefined };
    const means = Object.fromEntries(Object.keys(batch.features).map((s) => [s, this.model.normalisationMean(s)]));
    const { features } = maskFeatures(batch, this.config.featureMasking, this.maskRng, means);
    return { batch: { ...batch, features }, free: () => tf.dispose(Object.values(features)) };
  }

  /** CopyPaste rows of the batch (already masked where masking is on), or null. */
  paste(batch: TrainingBatch): PastedBatch | null {
    if (this.neutral === null || !this.config.copyPaste) return null;
    if (!batch.classLabels || batch.multiLabels) throw new Error('training "copyPaste" is for single-label classification');
    return copyPasteBatch(batch, batch.classLabels.dataSync(), this.speakers(batch), this.neutral, this.config.copyPaste, this.pasteRng);
  }
}
