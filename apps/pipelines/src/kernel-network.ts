import * as tf from '@tensorflow/tfjs-core';
import { loadModel, saveWeights } from '@mer/attention-fusion';
import type { ModelFiles } from '@mer/backend';
import { DEFAULT_KERNEL_GRID, KernelRidgeConfig, KernelRidgeGrid, KernelRidgeHead, KernelRidgeState } from '@mer/heads';
import type { RecipeNetwork } from '@mer/training';

/** A kernel network: its input streams (mean-pooled over time, concatenated in this order) and its head's settings. */
export interface KernelNetworkConfig {
  /** Input widths by stream name. */
  widths: Record<string, number>;
  numClasses: number;
  /** Tried by inner leave-one-speaker-out over the training items' speakers. */
  grid: KernelRidgeGrid;
  classBalance: boolean;
}

export const DEFAULT_KERNEL_NETWORK: Pick<KernelNetworkConfig, 'grid' | 'classBalance'> = { grid: DEFAULT_KERNEL_GRID, classBalance: true };

/** [B, T_s, D_s] per stream → [B, ΣD_s]: each stream's mean over time, in `widths` order (`drop`: that stream zeroed). */
function pooled(config: KernelNetworkConfig, streams: Record<string, tf.Tensor3D>, drop?: string): tf.Tensor2D {
  return tf.tidy(() =>
    tf.concat(
      Object.keys(config.widths).map((name) => {
        const x = streams[name];
        if (!x) throw new Error(`kernel network: no '${name}' stream among the inputs (${Object.keys(streams).join(', ')})`);
        const m = tf.mean(x, 1) as tf.Tensor2D; // [B, D]
        return name === drop ? tf.zerosLike(m) : m;
      }),
      1,
    ),
  );
}

const headOf = (config: KernelNetworkConfig) =>
  new KernelRidgeHead({ inputDim: Object.values(config.widths).reduce((a, b) => a + b, 0), numClasses: config.numClasses, grid: config.grid, classBalance: config.classBalance });

/**
 * A recipe's network around `@mer/heads`' {@link KernelRidgeHead}: utterance-level inputs, fitted in
 * closed form (`fitClosedForm`: γ and λ by leave-one-speaker-out UAR over the training items' speakers),
 * `forward` → the head's logits. Saved as `model.json` + `weights.bin` (the head's logit scale) +
 * `kernel.json` + `kernel.bin` (support rows and dual coefficients; absent before a fit).
 */
export function kernelNetwork(config: KernelNetworkConfig, head: KernelRidgeHead = headOf(config)): RecipeNetwork {
  return {
    layer: head,
    forward: (streams, o = {}) => ({ kind: 'classification', logits: tf.tidy(() => head.predict(pooled(config, streams, o.drop)).logits) }),
    async fitClosedForm({ streams, labels, groups }) {
      const x = pooled(config, streams);
      try {
        const fit = await head.fit(x, labels, groups);
        return { innerScore: fit.innerScore, note: fit.note };
      } finally {
        x.dispose();
      }
    },
    async save(files: ModelFiles) {
      await saveWeights(head, files, { model: 'kernel-network', config });
      const state = await head.state();
      if (!state) return;
      await files.write('kernel.json', new TextEncoder().encode(JSON.stringify(state.config)));
      const bin = new Float32Array(state.support.length + state.dual.length);
      bin.set(state.support);
      bin.set(state.dual, state.support.length);
      await files.write('kernel.bin', new Uint8Array(bin.buffer));
    },
  };
}

/** Loads what a kernel network's `save` wrote (fitted or not). */
export function loadKernelNetwork(files: ModelFiles): RecipeNetwork {
  let config: KernelNetworkConfig | undefined;
  const head = loadModel(files, 'kernel-network', (c: KernelNetworkConfig) => headOf((config = c)));
  head.restore(readKernelState(files));
  return kernelNetwork(config as KernelNetworkConfig, head);
}

/** The fitted classifier's state a kernel network's `save` wrote, or null for an unfitted network. */
function readKernelState(files: ModelFiles): KernelRidgeState | null {
  const json = files.read('kernel.json');
  if (!json) return null;
  const config = JSON.parse(new TextDecoder().decode(json)) as KernelRidgeConfig;
  const bytes = files.read('kernel.bin');
  if (!bytes) throw new Error(`${files.location}: kernel.json but no kernel.bin`);
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const n = all.length / (config.dim + config.numClasses);
  if (!Number.isInteger(n)) throw new Error(`${files.location}/kernel.bin: ${all.length} values do not split into rows of ${config.dim} + ${config.numClasses}`);
  return { config, support: all.slice(0, n * config.dim), dual: all.slice(n * config.dim) };
}
