/**
 * Which bench:models rows run on a software WebGPU adapter (SwiftShader, llvmpipe/lavapipe, WARP).
 * Measured on SwiftShader here (2-core VM, contended): about 0.1 GFLOP/s for these networks, 100–200×
 * slower than wasm (MAVEN lite forward 12 s vs 80 ms; TCN-fusion lite 55 s vs 0.3 s). A row runs only when
 *  1. its preset is `lite` — the paper and other full-size presets take minutes per step, and
 *  2. its dense work estimate 2·P·B·T (P parameters, B batch, T frames) is at most
 *     {@link SOFTWARE_ADAPTER_MAX_GFLOP} GFLOP per forward pass (TCN-fusion lite, B=16 T=300: 5.6);
 *  3. its training step is timed only when that estimate is at most {@link SOFTWARE_ADAPTER_MAX_TRAIN_GFLOP}
 *     GFLOP (AVT-CA lite: 0.02); a backward pass costs far more than a forward there (MAVEN lite, 0.85:
 *     17 s forward, 172 s per training step, measured here under load);
 * and then it is timed once after its warm-up ({@link SOFTWARE_ADAPTER_REPS}). A hardware adapter runs every row.
 */
export const SOFTWARE_ADAPTER_MAX_GFLOP = 2;

/** The largest forward work estimate (GFLOP) whose training step is timed on a software adapter. */
export const SOFTWARE_ADAPTER_MAX_TRAIN_GFLOP = 0.1;

/** Timed repetitions after the warm-up on a software adapter. */
export const SOFTWARE_ADAPTER_REPS = 1;

export interface SoftwareAdapterRowArgs {
  preset: string;
  parameters: number;
  batch: number;
  frames: number;
}

/** Forward work estimate of a row in GFLOP: two flops per parameter per frame of each clip. */
export function denseWorkGflop(row: Pick<SoftwareAdapterRowArgs, 'parameters' | 'batch' | 'frames'>): number {
  return (2 * row.parameters * row.batch * row.frames) / 1e9;
}

/** Why a row is skipped on a software adapter, or undefined when it runs. */
export function softwareAdapterSkip(row: SoftwareAdapterRowArgs): string | undefined {
  if (row.preset !== 'lite') return `${row.preset} preset on a software adapter: minutes per step (only lite presets run there)`;
  const gflop = denseWorkGflop(row);
  if (gflop > SOFTWARE_ADAPTER_MAX_GFLOP) {
    return `lite preset on a software adapter at ${gflop.toFixed(1)} GFLOP per forward (limit ${SOFTWARE_ADAPTER_MAX_GFLOP}, ~0.1 GFLOP/s): about a minute per forward, minutes per step`;
  }
  return undefined;
}

/** Why a row that runs on a software adapter has its training step left out, or undefined when it is timed. */
export function softwareAdapterTrainSkip(row: SoftwareAdapterRowArgs): string | undefined {
  const gflop = denseWorkGflop(row);
  if (gflop <= SOFTWARE_ADAPTER_MAX_TRAIN_GFLOP) return undefined;
  return `train step on a software adapter at ${gflop.toFixed(2)} GFLOP per forward (limit ${SOFTWARE_ADAPTER_MAX_TRAIN_GFLOP}): minutes per step`;
}
