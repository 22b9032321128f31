/** What {@link EarlyStopping.state} captures: enough to continue exactly after a restart. */
export interface EarlyStoppingState {
  /** Best metric so far; null before the first step (±Infinity does not survive JSON). */
  best: number | null;
  bestEpoch: number;
  epoch: number;
}

/** Early stopping on a validation metric: `stop` once `patience` epochs pass without an improvement > minDelta. */
export class EarlyStopping {
  best: number;
  bestEpoch = -1;
  private epoch = -1;

  constructor(readonly options: { mode?: 'max' | 'min'; patience?: number; minDelta?: number } = {}) {
    this.best = this.initialBest();
  }

  private initialBest(): number {
    return (this.options.mode ?? 'max') === 'max' ? -Infinity : Infinity;
  }

  /** @returns whether this epoch is the best so far, and whether training should stop */
  step(metric: number): { improved: boolean; stop: boolean } {
    this.epoch++;
    const delta = this.options.minDelta ?? 0;
    const improved = (this.options.mode ?? 'max') === 'max' ? metric > this.best + delta : metric < this.best - delta;
    if (improved) {
      this.best = metric;
      this.bestEpoch = this.epoch;
    }
    return { improved, stop: this.epoch - this.bestEpoch >= (this.options.patience ?? 10) };
  }

  /** Plain-data state for a checkpoint. */
  state(): EarlyStoppingState {
    return { best: Number.isFinite(this.best) ? this.best : null, bestEpoch: this.bestEpoch, epoch: this.epoch };
  }

  /** Continues from a {@link state} taken earlier. */
  restore(state: EarlyStoppingState): void {
    this.best = state.best ?? this.initialBest();
    this.bestEpoch = state.bestEpoch;
    this.epoch = state.epoch;
  }
}
