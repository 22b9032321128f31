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
    if (config.mixupWithinSpeaker && !config.mixup) throw new Error('training "mixupWithinSpeaker" draws mixup partners from the row\'s own speaker: set "mixup" (its α, e.g. 0.4) too');
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
  async input(batch: TrainingBatch): Promise<{ batch: TrainingBatch; free(): void }> {
    if (!this.config.featureMasking) return { batch, free: () => undefined };
    // Pixel streams (face crops) are images, not feature frames: they pass unmasked.
    const frames = Object.fromEntries(Object.entries(batch.features).filter(([s]) => !this.model.isPixelStream(s)));
    const means = Object.fromEntries(Object.keys(frames).map((s) => [s, this.model.normalisationMean(s)]));
    const { features } = await maskFeatures({ features: frames, mask: batch.mask }, this.config.featureMasking, this.maskRng, means);
    return { batch: { ...batch, features: { ...batch.features, ...features } }, free: () => tf.dispose(Object.values(features)) };
  }

  /** CopyPaste rows of the batch (already masked where masking is on), or null. */
  async paste(batch: TrainingBatch): Promise<PastedBatch | null> {
    if (this.neutral === null || !this.config.copyPaste) return null;
    if (!batch.classLabels || batch.multiLabels) throw new Error('training "copyPaste" is for single-label classification');
    return copyPasteBatch(batch, await batch.classLabels.data(), this.speakers(batch), this.neutral, this.config.copyPaste, this.pasteRng);
  }
}
