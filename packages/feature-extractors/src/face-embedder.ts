import * as tfc from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import { humanModelPath, loadGraphModelFromFile } from './graph-model-files';

/** Pretrained face encoders that ship with the project (inside @vladmandic/human, MIT). */
export type FaceEmbedderModel = 'expression' | 'faceres';

interface EmbedderSpec {
  file: string;
  size: number;
  grayscale: boolean;
  /** Graph node whose output, averaged over space when 4-D, is the embedding. */
  node: string;
}

const SPECS: Record<FaceEmbedderModel, EmbedderSpec> = {
  // Facial-expression CNN (64×64 grayscale): its last feature map, pooled. ~13 ms per face on wasm.
  expression: { file: 'emotion', size: 64, grayscale: true, node: 'StatefulPartitionedCall/model_1/add_2/add' },
  // FaceRes descriptor (224×224 RGB): 1024-d global pooling. ~210 ms per face on wasm.
  faceres: { file: 'faceres', size: 224, grayscale: false, node: 'global_pooling/Mean' },
};

/**
 * Embeds aligned face crops with a shipped pretrained model (offline, on mer's tfjs): the default
 * visual encoder when no hub encoder (Swin, IResNet-50) is available.
 */
export class FaceEmbedder {
  private constructor(
    private readonly model: tfc.GraphModel,
    private readonly spec: EmbedderSpec,
    readonly name: FaceEmbedderModel,
    readonly dim: number,
  ) {}

  static async load(name: FaceEmbedderModel = 'expression'): Promise<FaceEmbedder> {
    const spec = SPECS[name];
    if (!spec) throw new Error(`FaceEmbedder: unknown model '${name}' (${Object.keys(SPECS).join(', ')})`);
    const model = await loadGraphModelFromFile(humanModelPath(spec.file));
    const probe = tf.tidy(() => {
      const out = model.execute(tf.zeros([1, spec.size, spec.size, spec.grayscale ? 1 : 3]), spec.node) as tf.Tensor;
      return out.shape[out.rank - 1] as number;
    });
    return new FaceEmbedder(model, spec, name, probe);
  }

  /** Crop side the model takes. */
  get inputSize(): number {
    return this.spec.size;
  }

  /**
   * @param crops [N, S, S, 3] RGB face crops, values 0–255, S = inputSize
   * @returns [N, dim]
   */
  embed(crops: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      let x = tf.div(tf.cast(crops, 'float32'), 255);
      if (this.spec.grayscale) x = tf.sum(tf.mul(x, tf.tensor1d([0.2989, 0.587, 0.114])), -1, true);
      const out = this.model.execute(x, this.spec.node) as tf.Tensor;
      return (out.rank === 4 ? tf.mean(out, [1, 2]) : out) as tf.Tensor2D;
    });
  }

  dispose(): void {
    this.model.dispose();
  }
}
