import * as tf from '@tensorflow/tfjs-core';
import { FrozenGraph, FrozenGraphRuntime } from './frozen-graph';
import { humanModelPath } from './graph-model-files';

/** Pretrained face encoders that ship with the project (inside @vladmandic/human, MIT). */
export type FaceEmbedderModel = 'expression' | 'faceres';

interface EmbedderSpec {
  file: string;
  size: number;
  grayscale: boolean;
  /** Graph node whose output is the embedding. */
  node: string;
  /** The node is a feature map, averaged over space. */
  pooled: boolean;
  /** The embedding's width (checked against the graph when it loads). */
  dim: number;
}

const SPECS: Record<FaceEmbedderModel, EmbedderSpec> = {
  // Facial-expression CNN (64×64 grayscale): its last feature map, pooled. ~1 ms a face on ONNX Runtime, ~5 on tfjs-wasm.
  expression: { file: 'emotion', size: 64, grayscale: true, node: 'StatefulPartitionedCall/model_1/add_2/add', pooled: true, dim: 256 },
  // FaceRes descriptor (224×224 RGB): 1024-d global pooling. ~14 ms a face on ONNX Runtime, ~80 on tfjs-wasm.
  faceres: { file: 'faceres', size: 224, grayscale: false, node: 'global_pooling/Mean', pooled: false, dim: 1024 },
};

/** `name`'s spec, or an error naming the models there are. */
function specOf(name: FaceEmbedderModel): EmbedderSpec {
  const spec = SPECS[name];
  if (!spec) throw new Error(`FaceEmbedder: unknown model '${name}' (${Object.keys(SPECS).join(', ')})`);
  return spec;
}

/**
 * Embeds aligned face crops with a shipped pretrained model (offline, on mer's tfjs): the default
 * visual encoder when no hub encoder (Swin, IResNet-50) is available.
 */
export class FaceEmbedder {
  private constructor(
    private readonly model: FrozenGraph,
    private readonly spec: EmbedderSpec,
    readonly name: FaceEmbedderModel,
    readonly dim: number,
  ) {}

  /**
   * @param options.runtime where the network runs ({@link FrozenGraphRuntime}); default `auto`
   * @param options.model the model's graph already in memory (e.g. human's `emotion` fetched by a browser page: `graphModelArtifacts`); default read from @vladmandic/human
   */
  static async load(name: FaceEmbedderModel = 'expression', options: { runtime?: FrozenGraphRuntime; model?: tf.io.ModelArtifacts } = {}): Promise<FaceEmbedder> {
    const spec = specOf(name);
    const graph = { outputs: [spec.node], pooled: spec.pooled ? [spec.node] : [], runtime: options.runtime };
    const model = options.model ? await FrozenGraph.fromArtifacts(`${spec.file}.json`, options.model, graph) : await FrozenGraph.load(humanModelPath(spec.file), graph);
    const zeros = tf.zeros([1, spec.size, spec.size, spec.grayscale ? 1 : 3]);
    const [out] = await model.run(zeros);
    const dim = out.shape[out.rank - 1] as number;
    tf.dispose([zeros, out]);
    if (dim !== spec.dim) {
      model.dispose();
      throw new Error(`FaceEmbedder '${name}': the graph's embedding is ${dim} wide, not the ${spec.dim} mer records for it (another @vladmandic/human model?)`);
    }
    return new FaceEmbedder(model, spec, name, dim);
  }

  /** The embedding width of `name`, without opening it (a stream states its width before any model loads). */
  static dimOf(name: FaceEmbedderModel): number {
    return specOf(name).dim;
  }

  /** The shipped graph file of `name` (to check it is installed before it is opened). */
  static fileOf(name: FaceEmbedderModel): string {
    return humanModelPath(specOf(name).file);
  }

  /** Crop side `name` takes, without opening it (a page cuts crops where another thread embeds them). */
  static inputSizeOf(name: FaceEmbedderModel): number {
    return specOf(name).size;
  }

  /** Crop side the model takes. */
  get inputSize(): number {
    return this.spec.size;
  }

  /**
   * @param crops [N, S, S, 3] RGB face crops, values 0–255, S = inputSize
   * @returns [N, dim]
   */
  async embed(crops: tf.Tensor4D): Promise<tf.Tensor2D> {
    const x = tf.tidy(() => {
      const rgb = tf.div(tf.cast(crops, 'float32'), 255);
      return this.spec.grayscale ? tf.sum(tf.mul(rgb, tf.tensor1d([0.2989, 0.587, 0.114])), -1, true) : rgb;
    });
    const [out] = await this.model.run(x);
    x.dispose();
    return out as tf.Tensor2D;
  }

  /** The runtime the network runs on. */
  get runtime(): 'onnx' | 'tfjs' {
    return this.model.runtime;
  }

  dispose(): void {
    this.model.dispose();
  }
}
