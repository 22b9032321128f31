import type * as tf from '@tensorflow/tfjs-core';
import type { MerLayer } from '@mer/attention-fusion';
import type { ForwardOptions, NetworkOutput } from './network-recipe';

/**
 * One stage of a recipe's staged training (`NetworkRecipe.stages`): the network's parts it trains
 * (every other weight stays exactly as it is), the auxiliary heads it adds, its epochs, and what it
 * starts from. Stages run in order; each selects its own kept epoch on the run's validation items
 * (with the task's selection metric), and the next starts from that epoch's weights.
 */
export interface TrainingStage {
  /** Its name, and its folder under the run's `stages/` (e.g. 'branches', 'end-to-end'). */
  name: string;
  /** One line for the run's record: what it trains, in the paper's words. */
  about: string;
  /** The network's parts it trains (names `RecipeNetwork.parts` gives), or 'all' of its weights. */
  trains: readonly string[] | 'all';
  /**
   * Auxiliary heads it adds (names `RecipeNetwork.stageHeads` builds, e.g. one VA head per branch),
   * trained with it and dropped after: the sum of their task losses is the stage's loss, the mean of
   * their selection scores its selection. Absent: the network's own output and loss.
   */
  heads?: readonly string[];
  /** Its epochs. Default: the training config's. */
  epochs?: number;
  /** The previous stage's weights it starts from: its kept ('best') epoch or its 'last'. Default 'best'. */
  startsFrom?: 'best' | 'last';
}

/** A stage's auxiliary heads built on a network: their own weights, and one output each from the network's streams. */
export interface StageHeads {
  /** The heads' weights (the network's stay in the network's layer). */
  readonly layer: MerLayer;
  /** Named streams, each [B, T, width] → one output per head, by head name. */
  forward(streams: Record<string, tf.Tensor3D>, options?: ForwardOptions): Record<string, NetworkOutput>;
}
