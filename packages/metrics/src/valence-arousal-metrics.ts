import { ConcordanceAccumulator, MaskOptions, RegressionMetrics } from './regression-metrics';

/** Per-frame valence and arousal, each in [−1, 1] (targets may hold −5 for unlabelled frames). */
export interface ValenceArousal {
  valence: ArrayLike<number>;
  arousal: ArrayLike<number>;
}

export interface ValenceArousalMetrics {
  valence: RegressionMetrics;
  arousal: RegressionMetrics;
  /** The ABAW score: mean(CCC_valence, CCC_arousal). */
  ccc: number;
}

/**
 * ABAW valence-arousal scoring over any number of videos, streamed: every `update` adds a video's
 * (or a chunk's) frames, and the CCCs are computed once over all frames concatenated.
 */
export class ValenceArousalAccumulator {
  readonly valence = new ConcordanceAccumulator('valence');
  readonly arousal = new ConcordanceAccumulator('arousal');

  update(prediction: ValenceArousal, target: ValenceArousal, options?: MaskOptions): this {
    this.valence.update(prediction.valence, target.valence, options);
    this.arousal.update(prediction.arousal, target.arousal, options);
    return this;
  }

  merge(other: ValenceArousalAccumulator): this {
    this.valence.merge(other.valence);
    this.arousal.merge(other.arousal);
    return this;
  }

  result(): ValenceArousalMetrics {
    const valence = this.valence.result();
    const arousal = this.arousal.result();
    return { valence, arousal, ccc: (valence.ccc + arousal.ccc) / 2 };
  }
}

/** ABAW VA metrics of several videos pooled (all frames concatenated). */
export function valenceArousalMetrics(
  videos: { prediction: ValenceArousal; target: ValenceArousal }[],
  options?: MaskOptions,
): ValenceArousalMetrics {
  const acc = new ValenceArousalAccumulator();
  for (const v of videos) acc.update(v.prediction, v.target, options);
  return acc.result();
}
