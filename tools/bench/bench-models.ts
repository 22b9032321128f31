import * as tf from '@tensorflow/tfjs-core';
import { MerLayer } from '@mer/attention-fusion';
import { AdamW } from '@mer/backend';
import { AVT_CA_PRESETS, AvtCaConfig, AvtCaModel } from '@mer/avt-ca';
import { MAVEN_PRESETS, MavenConfig, MavenModel } from '@mer/maven';
import { TCN_FUSION_PRESETS, TcnFusionConfig, TcnFusionModel } from '@mer/tcn-fusion';

export type BenchNet = 'maven' | 'tcn-fusion' | 'avt-ca';

/** [batch, time] per network, from SPEC: MAVEN B=16 T=64; TCN-fusion B=16 T=300; AVT-CA B=8, 15 frames. */
export const BENCH_SHAPES: Record<BenchNet, [number, number]> = { maven: [16, 64], 'tcn-fusion': [16, 300], 'avt-ca': [8, 15] };

/**
 * One inference forward pass, read back with an awaited `data()`: the work is finished when it
 * resolves on every backend (webgpu included, where `dataSync` cannot read a tensor not yet downloaded).
 */
export async function forwardPass(model: MerLayer, inputs: tf.Tensor[]): Promise<void> {
  const y = tf.tidy(() => model.apply(inputs) as tf.Tensor);
  await y.data();
  y.dispose();
}

/**
 * One training step: forward in training mode, mean-square loss, backward, one optimizer update; the
 * loss read back with an awaited `data()` (on webgpu the read waits for every command submitted before
 * it, the weight updates included).
 */
export async function trainStep(model: MerLayer, inputs: tf.Tensor[], optimizer: AdamW): Promise<void> {
  const loss = optimizer.minimize(() => tf.mean(tf.square(model.apply(inputs, { training: true }) as tf.Tensor)) as tf.Scalar, true, model.variables());
  await loss?.data();
  loss?.dispose();
}

/**
 * Raw mode (224×224 face crops through the EfficientFace-style backbone) at B=8 × 15 frames outgrows the
 * wasm heap (the stem alone is 120×112×112×29 floats per activation); on wasm those rows run one clip
 * per batch, and the PyTorch peer runs the same batch.
 */
export const RAW_WASM_BATCH = 1;

/** The batch a network's row runs at on a backend: BENCH_SHAPES', except raw AVT-CA on wasm. */
export function benchBatch(net: BenchNet, config: object, backend: string): number {
  return backend === 'wasm' && (config as Partial<AvtCaConfig>).mode === 'raw' ? RAW_WASM_BATCH : BENCH_SHAPES[net][0];
}

/** Every preset's config, by network. */
export function allPresetConfigs(): Record<BenchNet, Record<string, object>> {
  return {
    maven: Object.fromEntries(Object.entries(MAVEN_PRESETS).map(([k, f]) => [k, f()])),
    'tcn-fusion': Object.fromEntries(Object.entries(TCN_FUSION_PRESETS).map(([k, f]) => [k, f()])),
    'avt-ca': Object.fromEntries(Object.entries(AVT_CA_PRESETS).map(([k, f]) => [k, f()])),
  };
}

export function presetConfig(net: BenchNet, preset: string): object {
  const config = allPresetConfigs()[net]?.[preset];
  if (config === undefined) throw new Error(`unknown network/preset ${net}/${preset}`);
  return config;
}

/**
 * The network and random inputs of the benchmark's shapes (AVT-CA: 156 MFCC frames; raw mode
 * 224×224 frames); `batch` overrides the batch size.
 */
export function buildBenchModel(net: BenchNet, config: object, batch?: number): { model: MerLayer; inputs: tf.Tensor[] } {
  const [b0, t] = BENCH_SHAPES[net];
  const b = batch ?? b0;
  if (net === 'maven') {
    const c = config as MavenConfig;
    const dims = { visual: c.visualDim, audio: c.audioDim, text: c.textDim };
    return { model: new MavenModel(c), inputs: c.modalities.map((m) => tf.randomNormal([b, t, dims[m]])) };
  }
  if (net === 'tcn-fusion') {
    const c = config as TcnFusionConfig;
    return { model: new TcnFusionModel(c), inputs: [tf.randomNormal([b, t, c.visualDim]), tf.randomNormal([b, t, c.vggishDim]), tf.randomNormal([b, t, c.logmelDim])] };
  }
  const c = config as AvtCaConfig;
  const video = c.mode === 'raw' ? tf.randomUniform([b, t, 224, 224, 3]) : tf.randomNormal([b, t, c.videoDim]);
  return { model: new AvtCaModel(c), inputs: [tf.randomNormal([b, 156, c.audioDim]), video] };
}
