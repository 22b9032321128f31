import type * as tfc from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import type * as ort from 'onnxruntime-node';
import { onnxRuntime } from './onnx-runtime';
import { GraphConstant, GraphDefNode, graphDefToOnnx, PixelInput } from './graph-to-onnx';
import { loadGraphModelFromFile, readGraphModelFiles } from './graph-model-files';
import type { OnnxDevice } from './onnx-execution';
import { createOnnxSession, OnnxPlacement } from './onnx-session';
import type { PixelFrame } from './pixel-frame';

/**
 * Where a shipped, frozen face model runs. `onnx`: converted at load (in memory, milliseconds) to ONNX
 * and run by ONNX Runtime — like the hub encoders and Silero VAD — on the execution providers
 * `onnxExecution` decides: the CPU EP on one thread (2–4× faster than tfjs-wasm on these convolutions,
 * AVX2/AVX-512 against 128-bit WebAssembly SIMD), or the WebGPU EP when the tensor backend is webgpu on
 * a hardware adapter. `tfjs`: the tfjs graph model on mer's tfjs backend (the choice when that backend
 * is native TensorFlow, e.g. on a GPU). `auto` (default): `tfjs` on the `tensorflow` backend, else
 * `onnx`. `MER_FACE_RUNTIME=onnx|tfjs` overrides `auto`. Nothing trainable runs here: every network
 * mer trains stays on its one tfjs backend.
 */
export type FrozenGraphRuntime = 'auto' | 'onnx' | 'tfjs';

function chooseRuntime(runtime: FrozenGraphRuntime): 'onnx' | 'tfjs' {
  if (runtime !== 'auto') return runtime;
  const env = process.env.MER_FACE_RUNTIME;
  if (env === 'onnx' || env === 'tfjs') return env;
  if (env !== undefined && env !== '' && env !== 'auto') throw new Error(`MER_FACE_RUNTIME=${env}: expected onnx, tfjs or auto`);
  return tf.getBackend() === 'tensorflow' ? 'tfjs' : 'onnx';
}

/** How {@link FrozenGraph.load} loads a graph. */
export interface FrozenGraphOptions {
  outputs?: string[];
  alsoOutputs?: string[];
  pooled?: string[];
  pixels?: PixelInput;
  runtime?: FrozenGraphRuntime;
  ep?: OnnxDevice | 'auto';
}

/** A frozen graph converted to ONNX ({@link FrozenGraph.convert}): its bytes and how to run them. */
export interface ConvertedGraph {
  /** The model's name in messages (its model.json path or URL). */
  name: string;
  bytes: Uint8Array;
  outputs: string[];
  pooled: string[];
  pixels: PixelInput | null;
  /** The graph's input node. */
  input: string;
}

/**
 * A frozen graph model (one of `@vladmandic/human`'s) with a fixed list of output nodes, run on the
 * runtime of {@link FrozenGraphRuntime}. Inputs and outputs are tfjs tensors in the graph's own
 * layout (NHWC images), whichever runtime computes them.
 */
export class FrozenGraph {
  private constructor(
    readonly runtime: 'onnx' | 'tfjs',
    readonly outputs: readonly string[],
    private readonly pooled: readonly string[],
    private readonly pixels: PixelInput | null,
    private readonly model: tfc.GraphModel | null,
    private readonly session: ort.InferenceSession | null,
    private readonly inputName: string,
    /** Where its ONNX session runs (null on `tfjs`). */
    readonly placement: OnnxPlacement | null,
  ) {}

  /**
   * @param modelJson a tfjs graph `model.json` (weights beside it)
   * @param options.outputs node names to compute; default the model's own outputs
   * @param options.alsoOutputs inner nodes computed after `outputs` (e.g. a feature map)
   * @param options.pooled those outputs (4-D feature maps) to return averaged over height and width, [N, C]
   * @param options.pixels the input is a frame's bytes, resized and scaled as the network wants ({@link FrozenGraph.runPixels})
   * @param options.ep on `onnx`: force ORT's device (default: `onnxExecution`'s, following the tensor backend)
   */
  static async load(modelJson: string, options: FrozenGraphOptions = {}): Promise<FrozenGraph> {
    return FrozenGraph.fromArtifacts(modelJson, readGraphModelFiles(modelJson), options);
  }

  /**
   * {@link FrozenGraph.load} from a graph model's artifacts already in memory (e.g. fetched by a browser
   * page: `graphModelArtifacts`), with no file I/O.
   * @param modelJson the model's name in messages (its `model.json` path or URL)
   */
  static async fromArtifacts(modelJson: string, artifacts: tf.io.ModelArtifacts, options: FrozenGraphOptions = {}): Promise<FrozenGraph> {
    const runtime = chooseRuntime(options.runtime ?? 'auto');
    if (runtime === 'onnx') return FrozenGraph.fromConverted(await FrozenGraph.convert(modelJson, artifacts, options), options);
    const model = await loadGraphModelFromFile(modelJson, artifacts);
    const outputs = [...(options.outputs ?? model.outputs.map((o) => o.name.replace(/:0$/, ''))), ...(options.alsoOutputs ?? [])];
    return new FrozenGraph('tfjs', outputs, options.pooled ?? [], options.pixels ?? null, model, null, model.inputs[0].name, null);
  }

  /**
   * The graph converted to ONNX in memory, with what {@link FrozenGraph.fromConverted} needs to run it:
   * plain data a page can post to a worker, which then opens it without tfjs. Uses the tensor backend
   * (the graph's weights are read through it).
   */
  static async convert(modelJson: string, artifacts: tf.io.ModelArtifacts, options: Omit<FrozenGraphOptions, 'runtime' | 'ep'> = {}): Promise<ConvertedGraph> {
    const model = await loadGraphModelFromFile(modelJson, artifacts);
    const outputs = [...(options.outputs ?? model.outputs.map((o) => o.name.replace(/:0$/, ''))), ...(options.alsoOutputs ?? [])];
    const pooled = options.pooled ?? [];
    const pixels = options.pixels ?? null;
    const nodes = (artifacts.modelTopology as { node: GraphDefNode[] }).node;
    const constants = new Map<string, GraphConstant>();
    for (const [name, [t]] of Object.entries(model.weights)) constants.set(name, { shape: t.shape, values: t.dataSync() as Float32Array | Int32Array });
    const bytes = graphDefToOnnx(nodes, constants, outputs, { pooled, pixels: pixels ?? undefined });
    model.dispose();
    const input = nodes.find((n) => n.op === 'Placeholder') as GraphDefNode;
    return { name: modelJson, bytes, outputs, pooled, pixels, input: input.name };
  }

  /** A graph {@link FrozenGraph.convert}ed before (here or in another thread), opened on ONNX Runtime. */
  static async fromConverted(graph: ConvertedGraph, options: Pick<FrozenGraphOptions, 'ep'> = {}): Promise<FrozenGraph> {
    let opened: Awaited<ReturnType<typeof createOnnxSession>>;
    try {
      const sessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' } as const;
      opened = await createOnnxSession(graph.bytes, { name: graph.name, ep: options.ep, sessionOptions });
    } catch (e) {
      throw new Error(`${graph.name}: ONNX Runtime could not load the converted graph (${(e as Error).message}); MER_FACE_RUNTIME=tfjs runs it on tfjs instead`);
    }
    return new FrozenGraph('onnx', graph.outputs, graph.pooled, graph.pixels, null, opened.session, graph.input, opened.placement);
  }

  /**
   * @param input [N, H, W, C] in the graph's layout
   * @returns the output nodes' values, in the order of `outputs` (the caller disposes them)
   */
  async run(input: tf.Tensor): Promise<tf.Tensor[]> {
    if (this.pixels) throw new Error('FrozenGraph: this graph was loaded to take frame bytes: use runPixels');
    return this.execute(input);
  }

  /**
   * The network on one frame's bytes, resized to the network's input and scaled (loaded with `pixels`):
   * on ONNX Runtime all of it happens in the graph, so the frame never becomes a tfjs tensor.
   */
  async runPixels(frame: PixelFrame): Promise<tf.Tensor[]> {
    const p = this.pixels;
    if (!p) throw new Error('FrozenGraph: this graph was not loaded with `pixels`');
    if (frame.data.length !== frame.height * frame.width * 3) throw new Error(`FrozenGraph: ${frame.data.length} bytes for a ${frame.width}×${frame.height} RGB frame`);
    if (this.session) {
      return this.fetch(await this.runFrame(this.session, frame));
    }
    const input = tf.tidy(() => {
      const image = tf.cast(tf.tensor4d(frame.data, [1, frame.height, frame.width, 3], 'int32'), 'float32') as tf.Tensor4D;
      return tf.sub(tf.div(tf.image.resizeBilinear(image, [p.height, p.width]), p.divide), p.subtract);
    });
    const out = await this.execute(input);
    input.dispose();
    return out;
  }

  /**
   * {@link FrozenGraph.runPixels} with the outputs as plain arrays (for post-processing in JavaScript:
   * on ONNX Runtime no tfjs tensor is made at all).
   */
  async runPixelsData(frame: PixelFrame): Promise<{ values: Float32Array; dims: number[] }[]> {
    if (!this.session) {
      const outs = await this.runPixels(frame);
      const values = await Promise.all(outs.map((t) => t.data() as Promise<Float32Array>));
      const result = outs.map((t, i) => ({ values: values[i], dims: t.shape }));
      tf.dispose(outs);
      return result;
    }
    if (!this.pixels) throw new Error('FrozenGraph: this graph was not loaded with `pixels`');
    if (frame.data.length !== frame.height * frame.width * 3) throw new Error(`FrozenGraph: ${frame.data.length} bytes for a ${frame.width}×${frame.height} RGB frame`);
    const result = await this.runFrame(this.session, frame);
    return this.outputs.map((name) => {
      const t = result[`out:${name}`];
      const out = { values: Float32Array.from(t.data as Float32Array), dims: t.dims.map(Number) };
      t.dispose();
      return out;
    });
  }

  /** The session on one frame's RGB bytes, [1, H, W, 3] uint8 (the graph resizes and scales them). */
  private runFrame(session: ort.InferenceSession, frame: PixelFrame): Promise<ort.InferenceSession.OnnxValueMapType> {
    return session.run({ [this.inputName]: new (onnxRuntime().Tensor)('uint8', frame.data, [1, frame.height, frame.width, 3]) });
  }

  private async execute(input: tf.Tensor): Promise<tf.Tensor[]> {
    if (this.model) {
      const out = this.model.execute(input, [...this.outputs]); // one output comes back bare
      return (Array.isArray(out) ? out : [out]).map((t, i) => {
        if (!this.pooled.includes(this.outputs[i])) return t;
        const mean = tf.mean(t, [1, 2]);
        t.dispose();
        return mean;
      });
    }
    const session = this.session as ort.InferenceSession;
    const data = (await input.data()) as Float32Array;
    return this.fetch(await session.run({ [this.inputName]: new (onnxRuntime().Tensor)('float32', data, input.shape) }));
  }

  /** ONNX Runtime's outputs as tfjs tensors, in the order of `outputs`. */
  private fetch(result: ort.InferenceSession.OnnxValueMapType): tf.Tensor[] {
    return this.outputs.map((name) => {
      const t = result[`out:${name}`];
      const values = t.data as Float32Array;
      const tensor = tf.tensor(values, t.dims.map(Number));
      t.dispose();
      return tensor;
    });
  }

  dispose(): void {
    this.model?.dispose();
    void this.session?.release();
  }
}
