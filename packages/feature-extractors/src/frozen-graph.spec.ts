import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { initBackend, relativeError } from '@mer/backend';
import { FrozenGraph } from './frozen-graph';
import { humanModelPath } from './graph-model-files';
import { GraphConstant, GraphDefNode, graphDefToOnnx } from './graph-to-onnx';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/** Largest |b − a| relative to the largest |a| (a: the reference). */
const relativeGap = (a: tf.Tensor, b: tf.Tensor) => relativeError(b.dataSync(), a.dataSync());

describe('FrozenGraph: the shipped face models on ONNX Runtime equal their tfjs graphs', () => {
  const feature = 'StatefulPartitionedCall/model_1/add_2/add';
  const cases: [string, number[], { outputs?: string[]; alsoOutputs?: string[]; pooled?: string[] }][] = [
    ['blazeface', [1, 256, 256, 3], {}],
    ['emotion', [3, 64, 64, 1], { alsoOutputs: [feature] }],
    ['emotion', [3, 64, 64, 1], { alsoOutputs: [feature], pooled: [feature] }],
    ['faceres', [2, 224, 224, 3], { outputs: ['global_pooling/Mean'] }],
  ];
  it.each(cases)('%s', async (name, shape, outputs) => {
    const reference = await FrozenGraph.load(humanModelPath(name), { ...outputs, runtime: 'tfjs' });
    const converted = await FrozenGraph.load(humanModelPath(name), { ...outputs, runtime: 'onnx' });
    expect([reference.runtime, converted.runtime]).toEqual(['tfjs', 'onnx']);
    const x = tf.randomUniform(shape, -1, 1, 'float32', 7);
    const [a, b] = [await reference.run(x), await converted.run(x)];
    expect(b.map((t) => t.shape)).toEqual(a.map((t) => t.shape));
    if (outputs.pooled) expect(a[1].shape).toEqual([3, 256]);
    a.forEach((t, i) => expect(relativeGap(t, b[i])).toBeLessThan(1e-4)); // float rounding over ~30 layers: ~1e-5
    tf.dispose([x, ...a, ...b]);
    reference.dispose();
    converted.dispose();
  }, 60_000);
});

describe('FrozenGraph with frame bytes in (resize and scale inside the graph)', () => {
  it('ONNX Runtime on bytes equals tfjs resizing and scaling the same frame; both runtimes agree', async () => {
    const pixels = { height: 256, width: 256, divide: 127.5, subtract: 1 };
    const [h, w] = [180, 320];
    // A frame with structure at several scales (not noise alone).
    const data = Uint8Array.from({ length: h * w * 3 }, (_, i) => {
      const [y, x, c] = [Math.floor(i / (w * 3)), Math.floor(i / 3) % w, i % 3];
      return Math.round(127.5 + 80 * Math.sin(x / 9 + c) * Math.cos(y / 13) + 40 * Math.sin((x * y) / 500));
    });
    const onBytes = await FrozenGraph.load(humanModelPath('blazeface'), { pixels, runtime: 'onnx' });
    const onTfjs = await FrozenGraph.load(humanModelPath('blazeface'), { pixels, runtime: 'tfjs' });
    const plain = await FrozenGraph.load(humanModelPath('blazeface'), { runtime: 'onnx' });
    const input = tf.tidy(() => tf.sub(tf.div(tf.image.resizeBilinear(tf.cast(tf.tensor4d(data, [1, h, w, 3], 'int32'), 'float32') as tf.Tensor4D, [256, 256]), 127.5), 1));
    const [a, b, c] = [await onBytes.runPixels({ data, height: h, width: w }), await onTfjs.runPixels({ data, height: h, width: w }), await plain.run(input)];
    a.forEach((t, i) => {
      expect(relativeGap(c[i], t)).toBe(0); // the same input values, bit for bit
      expect(relativeGap(b[i], t)).toBeLessThan(1e-4);
    });
    // A view into a larger buffer (a batch of frames) is read from its own offset.
    const batch = new Uint8Array(data.length * 2);
    batch.set(data, data.length);
    const [first] = await onBytes.runPixels({ data: batch.subarray(data.length), height: h, width: w });
    expect(relativeGap(a[0], first)).toBe(0);
    await expect(plain.runPixels({ data, height: h, width: w })).rejects.toThrow(/not loaded with `pixels`/);
    await expect(onBytes.run(input)).rejects.toThrow(/use runPixels/);
    await expect(onBytes.runPixels({ data, height: h, width: w + 1 })).rejects.toThrow(/172800 bytes for a 321×180 RGB frame/);
    tf.dispose([input, first, ...a, ...b, ...c]);
    [onBytes, onTfjs, plain].forEach((g) => g.dispose());
  }, 60_000);
});

/** A constant of a hand-written graph and the GraphDef node that names it. */
function constNode(name: string, shape: number[], values: number[], constants: Map<string, GraphConstant>, int = false): GraphDefNode {
  constants.set(name, { shape, values: int ? Int32Array.from(values) : Float32Array.from(values) });
  return { name, op: 'Const' };
}
const list = (...i: number[]) => ({ list: { i: i.map(String) } });
const text = (s: string) => ({ s: Buffer.from(s).toString('base64') });

describe('graphDefToOnnx: each op against tfjs', () => {
  it('depthwise multiplier 2, VALID stride 2, channel-wise constants, Min/Max, channel Pad, kept-dims Mean, Reshape, fused MatMul', async () => {
    const constants = new Map<string, GraphConstant>();
    const ramp = (n: number, k: number) => Array.from({ length: n }, (_, i) => Math.sin(i * k));
    const nodes: GraphDefNode[] = [
      { name: 'x', op: 'Placeholder', attr: { shape: { shape: { dim: [{ size: '-1' }, { size: '9' }, { size: '9' }, { size: '2' }] } } } as never },
      constNode('dw', [3, 3, 2, 2], ramp(36, 0.7), constants),
      { name: 'd', op: 'DepthwiseConv2dNative', input: ['x', 'dw'], attr: { strides: list(1, 2, 2, 1), padding: text('VALID') } },
      constNode('scale', [4], [0.5, -1, 2, 1.5], constants),
      { name: 'm', op: 'Mul', input: ['d', 'scale'] },
      constNode('six', [], [0.8], constants),
      { name: 'lo', op: 'Minimum', input: ['m', 'six'] },
      constNode('neg', [], [-0.6], constants),
      { name: 'hi', op: 'Maximum', input: ['lo', 'neg'] },
      constNode('pads', [4, 2], [0, 0, 0, 0, 0, 0, 1, 2], constants, true),
      { name: 'p', op: 'Pad', input: ['hi', 'pads'] },
      constNode('w', [1, 1, 7, 3], ramp(21, 1.3), constants),
      constNode('b', [3], [0.1, -0.2, 0.3], constants),
      { name: 'c', op: '_FusedConv2D', input: ['p', 'w', 'b'], attr: { strides: list(1, 1, 1, 1), padding: text('SAME'), fused_ops: { list: { s: [text('BiasAdd').s, text('Relu').s] } } } },
      constNode('axes', [2], [1, 2], constants, true),
      { name: 'mean', op: 'Mean', input: ['c', 'axes'], attr: { keep_dims: { b: true } } },
      constNode('shape', [2], [-1, 3], constants, true),
      { name: 'r', op: 'Reshape', input: ['mean', 'shape'] },
      constNode('fw', [3, 2], ramp(6, 2.1), constants),
      constNode('fb', [2], [0.05, -0.05], constants),
      { name: 'fc', op: '_FusedMatMul', input: ['r', 'fw', 'fb'], attr: { fused_ops: { list: { s: [text('BiasAdd').s] } } } },
      { name: 'flat', op: 'Reshape', input: ['c', 'shape'] },
    ];
    const session = await ort.InferenceSession.create(graphDefToOnnx(nodes, constants, ['fc', 'c', 'flat']));
    const x = tf.randomUniform([2, 9, 9, 2], -1, 1, 'float32', 11);
    const result = await session.run({ x: new ort.Tensor('float32', x.dataSync() as Float32Array, [2, 9, 9, 2]) });
    const k = (name: string) => {
      const c = constants.get(name) as GraphConstant;
      return tf.tensor(Array.from(c.values), c.shape);
    };
    const expected = tf.tidy(() => {
      const d = tf.depthwiseConv2d(x as tf.Tensor4D, k('dw') as tf.Tensor4D, 2, 'valid');
      const hi = tf.maximum(tf.minimum(tf.mul(d, k('scale')), 0.8), -0.6);
      const p = tf.pad(hi, [[0, 0], [0, 0], [0, 0], [1, 2]]);
      const c = tf.relu(tf.add(tf.conv2d(p as tf.Tensor4D, k('w') as tf.Tensor4D, 1, 'same'), k('b')));
      const fc = tf.add(tf.matMul(tf.reshape(tf.mean(c, [1, 2], true), [-1, 3]), k('fw') as tf.Tensor2D), k('fb'));
      return { fc, c, flat: tf.reshape(c, [-1, 3]) };
    });
    for (const name of ['fc', 'c', 'flat'] as const) {
      const got = result[`out:${name}`];
      expect(got.dims.map(Number)).toEqual(expected[name].shape);
      const t = tf.tensor(got.data as Float32Array, expected[name].shape);
      expect(relativeGap(expected[name], t)).toBeLessThan(1e-5);
      t.dispose();
    }
    tf.dispose([x, expected.fc, expected.c, expected.flat]);
  });

  it('an op it does not know is an error naming the op and the node', () => {
    const nodes: GraphDefNode[] = [
      { name: 'x', op: 'Placeholder' },
      { name: 'weird', op: 'Erf', input: ['x'] },
    ];
    expect(() => graphDefToOnnx(nodes, new Map(), ['weird'])).toThrow(/op Erf \(node weird\) is not supported/);
    expect(() => graphDefToOnnx([{ name: 'x', op: 'Placeholder' }], new Map(), ['nowhere'])).toThrow(/no node named nowhere/);
  });
});

describe('FrozenGraph runtime choice', () => {
  const saved = process.env.MER_FACE_RUNTIME;
  afterEach(() => {
    if (saved === undefined) delete process.env.MER_FACE_RUNTIME;
    else process.env.MER_FACE_RUNTIME = saved;
  });

  it('auto is ONNX Runtime on wasm; MER_FACE_RUNTIME overrides it; a bad value is an error', async () => {
    delete process.env.MER_FACE_RUNTIME;
    const auto = await FrozenGraph.load(humanModelPath('emotion'));
    expect(auto.runtime).toBe('onnx');
    auto.dispose();
    process.env.MER_FACE_RUNTIME = 'tfjs';
    const forced = await FrozenGraph.load(humanModelPath('emotion'));
    expect(forced.runtime).toBe('tfjs');
    forced.dispose();
    process.env.MER_FACE_RUNTIME = 'gpu';
    await expect(FrozenGraph.load(humanModelPath('emotion'))).rejects.toThrow(/MER_FACE_RUNTIME=gpu: expected onnx, tfjs or auto/);
  });
});
