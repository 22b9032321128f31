import { createRng, Rng } from '@mer/backend';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Keyword arguments every mer layer's `call` understands. */
export interface MerCallKwargs {
  /** Dropout is active only when true. */
  training?: boolean;
  [key: string]: unknown;
}

/**
 * Base of mer's layers: a tfjs Layer whose weights include those of the sublayers it tracks, so
 * `trainableWeights`, `getWeights()`/`setWeights()` and optimisers see the whole block.
 *
 * mer layers know their widths from their args, so they create their weights in the constructor
 * (`param`), each named `<layer name>/<weight>` — unique in tfjs' variable registry — and are
 * usable at once, eagerly, without a symbolic model.
 */
export abstract class MerLayer extends tfl.layers.Layer {
  private readonly children: tfl.layers.Layer[] = [];

  /** Creates a trainable weight named `<layer>/<name>`. */
  protected param(name: string, shape: number[], initializer: ReturnType<typeof tfl.initializers.zeros>): tfl.LayerVariable {
    return this.addWeight(`${this.name}/${name}`, shape, 'float32', seededInitializer(initializer));
  }

  /** Registers a sublayer whose weights belong to this layer. */
  protected track<T extends tfl.layers.Layer>(layer: T): T {
    this.children.push(layer);
    return layer;
  }

  override get trainableWeights(): tfl.LayerVariable[] {
    return [...super.trainableWeights, ...this.children.flatMap((c) => c.trainableWeights)];
  }

  override get nonTrainableWeights(): tfl.LayerVariable[] {
    return [...super.nonTrainableWeights, ...this.children.flatMap((c) => c.nonTrainableWeights)];
  }

  override get weights(): tfl.LayerVariable[] {
    return [...this.trainableWeights, ...this.nonTrainableWeights];
  }

  /** The tf.Variables to hand an optimiser (`optimizer.minimize(f, true, layer.variables())`). */
  variables(): tf.Variable[] {
    return this.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  /** Dense parameter count (for `summary()`s). */
  parameterCount(): number {
    return this.weights.reduce((s, w) => s + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
  }

  /** Frees every weight of the layer and its sublayers. */
  override dispose(): ReturnType<tfl.layers.Layer['dispose']> {
    let n = 0;
    const own = this as unknown as { _trainableWeights: tfl.LayerVariable[]; _nonTrainableWeights: tfl.LayerVariable[] };
    for (const w of [...own._trainableWeights, ...own._nonTrainableWeights]) {
      w.dispose();
      n++;
    }
    for (const c of this.children) n += c.dispose().numDisposedVariables;
    return { refCountAfterDispose: 0, numDisposedVariables: n };
  }
}

/** Applies a layer eagerly and returns a Tensor (tfjs-layers' `apply` is typed for symbolic use too). */
export function applyLayer(layer: tfl.layers.Layer, inputs: tf.Tensor | tf.Tensor[], kwargs: MerCallKwargs = {}): tf.Tensor {
  return layer.apply(inputs, kwargs) as tf.Tensor;
}

let initRng: Rng | null = null;

/**
 * Makes the initial weights of every mer layer built from now on a function of `seed` (random
 * initialisers get seeds drawn from it in construction order); `null` returns to unseeded init.
 */
export function seedInitializers(seed: number | null): void {
  initRng = seed === null ? null : createRng(seed);
}

type Initializer = ReturnType<typeof tfl.initializers.zeros>;

function seededInitializer(initializer: Initializer): Initializer {
  if (!initRng) return initializer;
  const config = initializer.getConfig() as Record<string, unknown>;
  if (!('seed' in config)) return initializer; // zeros, ones, constants
  const Ctor = initializer.constructor as new (args: Record<string, unknown>) => Initializer;
  return new Ctor({ ...config, seed: initRng.int(2 ** 31 - 1) });
}

let dropoutRng: Rng | null = null;

/**
 * Makes every mer dropout mask reproducible from `seed` (a training loop reseeds per epoch so a
 * resumed run draws the same masks as an uninterrupted one); `null` returns to unseeded masks.
 */
export function seedDropout(seed: number | null): void {
  dropoutRng = seed === null ? null : createRng(seed);
}

export function dropout(x: tf.Tensor, rate: number, training: boolean | undefined): tf.Tensor {
  if (!training || rate <= 0) return x;
  return dropoutRng ? tf.dropout(x, rate, undefined, dropoutRng.int(2 ** 31 - 1)) : tf.dropout(x, rate);
}

/** Exact (erf) GELU, as PyTorch's nn.GELU(). */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2)))));
}

/** x [..., Din] · W [Din, Dout] (+ b) for any leading shape. */
export function dense(x: tf.Tensor, kernel: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  const din = x.shape[x.rank - 1] as number;
  const lead = x.shape.slice(0, -1) as number[];
  const y = tf.matMul(tf.reshape(x, [-1, din]), kernel as tf.Tensor2D); // [N, Dout]
  const out = bias ? tf.add(y, bias) : y;
  return tf.reshape(out, [...lead, kernel.shape[1] as number]);
}
