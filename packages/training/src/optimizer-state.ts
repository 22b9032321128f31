import * as tf from '@tensorflow/tfjs-core';

/** An optimizer's complete state as plain data: slot values in `getWeights()` order, plus Adam's β powers. */
export interface OptimizerState {
  slots: { name: string; shape: number[] }[];
  /** The slots' values concatenated, row-major. */
  values: Float32Array;
  /**
   * Adam's running β₁ᵗ, β₂ᵗ. tfjs' `setWeights` recomputes them as powers of the iteration count,
   * which differs from the running products in the last bits: a restored run would drift.
   */
  adamBetaPowers?: [number, number];
}

type AdamInternals = { accBeta1?: tf.Variable; accBeta2?: tf.Variable };

/** Captures everything `restoreOptimizerState` needs to continue exactly (AdamW, Adam, momentum, …). */
export async function optimizerState(optimizer: tf.Optimizer): Promise<OptimizerState> {
  const weights = await optimizer.getWeights();
  const values = new Float32Array(weights.reduce((n, w) => n + w.tensor.size, 0));
  let at = 0;
  for (const w of weights) {
    const d = await w.tensor.data();
    values.set(d, at);
    at += d.length;
  }
  // `getWeights` makes the iteration count a new scalar each call (the slots are the live variables).
  for (const w of weights) if (w.name === 'iter') w.tensor.dispose();
  const o = optimizer as unknown as AdamInternals;
  const adamBetaPowers: [number, number] | undefined = o.accBeta1 && o.accBeta2 ? [(await o.accBeta1.data())[0], (await o.accBeta2.data())[0]] : undefined;
  return { slots: weights.map((w) => ({ name: w.name, shape: w.tensor.shape })), values, adamBetaPowers };
}

/** Puts a captured state back into a freshly made optimizer of the same kind over the same variables. */
export async function restoreOptimizerState(optimizer: tf.Optimizer, state: OptimizerState): Promise<void> {
  let at = 0;
  const named = state.slots.map((s) => {
    const size = s.shape.reduce((a, b) => a * b, 1);
    const tensor = tf.tensor(state.values.subarray(at, at + size), s.shape);
    at += size;
    return { name: s.name, tensor };
  });
  if (at !== state.values.length) throw new Error(`optimizer state: ${state.values.length} values, the slots list ${at}`);
  await optimizer.setWeights(named);
  tf.dispose(named.map((n) => n.tensor));
  const o = optimizer as unknown as AdamInternals;
  const powers = state.adamBetaPowers;
  if (powers && o.accBeta1 && o.accBeta2) {
    tf.tidy(() => {
      o.accBeta1!.assign(tf.scalar(powers[0]));
      o.accBeta2!.assign(tf.scalar(powers[1]));
    });
  }
}
