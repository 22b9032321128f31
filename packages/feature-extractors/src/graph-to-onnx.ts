import { onnx } from 'onnx-proto';

/** One node of a TensorFlow GraphDef as tfjs' `model.json` stores it. */
export interface GraphDefNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, { list?: { i?: string[]; s?: string[] }; s?: string; b?: boolean; i?: string }>;
}

/** A constant of the graph, decoded (tfjs' loader undoes float16/uint8 weight quantisation). */
export interface GraphConstant {
  shape: number[];
  values: Float32Array | Int32Array;
}

const FLOAT = 1;
const UINT8 = 2;
const INT64 = 7;

/**
 * The graph's input given as decoded RGB bytes, [1, h, w, 3] of any h × w: cast to float, resized
 * bilinearly to `height` × `width` (tfjs' resizeBilinear: no corner alignment, no half-pixel centres;
 * the same values, bit for bit), then `value / divide − subtract` (a division, as human's pipeline
 * does it, not a product with the inverse, which rounds differently) — preprocessing inside the graph.
 */
export interface PixelInput {
  height: number;
  width: number;
  divide: number;
  subtract: number;
}

export interface GraphToOnnxOptions {
  /** Outputs (image tensors) returned averaged over height and width, [N, C]. */
  pooled?: readonly string[];
  /** Take the input as bytes and resize and scale it in the graph. */
  pixels?: PixelInput;
}
/** NHWC axis → NCHW axis. */
const TO_NCHW_AXIS = [0, 2, 3, 1];

/**
 * Converts a frozen TensorFlow graph of the kind `@vladmandic/human`'s face models are (convolutions,
 * depthwise convolutions, pooling, element-wise arithmetic, pads, reshapes, means, fully-connected
 * heads) to an ONNX model that ONNX Runtime runs. TensorFlow's NHWC becomes ONNX's NCHW inside (one
 * transpose after the input, one before any layout-sensitive op and before each output), so every
 * output has the shape the tfjs graph gives it. The input's batch size is left free. An op outside this
 * set is an error naming it and its node, never a silent approximation.
 * @param nodes the GraphDef's nodes
 * @param constants every `Const` node's value, by node name
 * @param outputs names of the nodes to return, in order
 */
export function graphDefToOnnx(nodes: readonly GraphDefNode[], constants: ReadonlyMap<string, GraphConstant>, outputs: readonly string[], options: GraphToOnnxOptions = {}): Uint8Array {
  const pooled = options.pooled ?? [];
  const pixels = options.pixels;
  const out: onnx.INodeProto[] = [];
  const initializers: onnx.ITensorProto[] = [];
  /** Tensors held in NCHW (every other tensor is in the graph's own layout). */
  const nchw = new Set<string>();
  const alias = new Map<string, string>();
  const constantInputs = new Set<string>();
  let unique = 0;
  const fresh = (base: string) => `${base}__${unique++}`;
  const addInit = (name: string, dims: number[], values: Float32Array | BigInt64Array) => {
    constantInputs.add(name);
    initializers.push({ name, dims, dataType: values instanceof Float32Array ? FLOAT : INT64, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) });
    return name;
  };
  const emit = (opType: string, input: string[], output: string, attribute: onnx.IAttributeProto[] = []) => {
    out.push({ opType, input, output: [output], name: output, attribute });
    return output;
  };
  const ints = (name: string, v: number[]): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: v });
  const int = (name: string, v: number): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i: v });
  const str = (name: string, v: string): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(v) });
  const resolve = (input: string) => {
    const name = input.replace(/:0$/, '');
    return alias.get(name) ?? name;
  };
  const constant = (input: string, node: GraphDefNode) => {
    const c = constants.get(input.replace(/:0$/, ''));
    if (!c) throw new Error(`graphDefToOnnx: ${node.op} node ${node.name} needs ${input} to be a constant`);
    return c;
  };
  /** The NHWC form of a tensor (one transpose per NCHW tensor, however many ops need it). */
  const inGraphLayout = new Map<string, string>();
  const graphLayout = (t: string) => {
    if (!nchw.has(t)) return t;
    let back = inGraphLayout.get(t);
    if (!back) inGraphLayout.set(t, (back = emit('Transpose', [t], fresh(t), [ints('perm', [0, 2, 3, 1])])));
    return back;
  };
  // A GraphDef string attribute (base64 in model.json), decoded without Node's Buffer so this bundles for a browser.
  const decode = (s?: string) => (s === undefined ? '' : new TextDecoder().decode(Uint8Array.from(atob(s), (c) => c.charCodeAt(0))));
  const spatial = (node: GraphDefNode, key: 'strides' | 'dilations' | 'ksize') => {
    const v = (node.attr?.[key]?.list?.i ?? ['1', '1', '1', '1']).map(Number);
    return [v[1], v[2]];
  };
  const padding = (node: GraphDefNode) => {
    const p = decode(node.attr?.padding?.s);
    if (p !== 'SAME' && p !== 'VALID') throw new Error(`graphDefToOnnx: node ${node.name}: padding '${p}' is not supported`);
    return str('auto_pad', p === 'SAME' ? 'SAME_UPPER' : 'VALID');
  };
  const fusedOps = (node: GraphDefNode) => (node.attr?.fused_ops?.list?.s ?? []).map(decode);
  const activation = (node: GraphDefNode, t: string) => {
    const ops = fusedOps(node);
    if (ops[0] !== 'BiasAdd' || ops.length > 2 || (ops.length === 2 && ops[1] !== 'Relu')) throw new Error(`graphDefToOnnx: node ${node.name}: fused ops ${ops.join('+')} are not supported`);
    return ops[1] === 'Relu' ? emit('Relu', [t], fresh(node.name)) : t;
  };

  for (const node of nodes) {
    const inputs = (node.input ?? []).filter((i) => !i.startsWith('^'));
    const x = inputs.length > 0 ? resolve(inputs[0]) : '';
    let result: string;
    switch (node.op) {
      case 'Const':
        continue;
      case 'Placeholder':
        if (pixels) {
          const image = emit('Transpose', [emit('Cast', [node.name], fresh(node.name), [int('to', FLOAT)])], fresh(node.name), [ints('perm', [0, 3, 1, 2])]);
          const sizes = addInit(fresh(`${node.name}/sizes`), [4], BigInt64Array.from([1n, 3n, BigInt(pixels.height), BigInt(pixels.width)]));
          const resized = emit('Resize', [image, '', '', sizes], fresh(node.name), [str('mode', 'linear'), str('coordinate_transformation_mode', 'asymmetric')]);
          const scaled = emit('Div', [resized, addInit(fresh(`${node.name}/divide`), [], Float32Array.of(pixels.divide))], fresh(node.name));
          result = emit('Sub', [scaled, addInit(fresh(`${node.name}/subtract`), [], Float32Array.of(pixels.subtract))], fresh(node.name));
        } else {
          result = emit('Transpose', [node.name], fresh(node.name), [ints('perm', [0, 3, 1, 2])]);
        }
        nchw.add(result);
        break;
      case 'Identity':
        alias.set(node.name, x);
        continue;
      case 'Conv2D':
      case '_FusedConv2D':
      case 'DepthwiseConv2dNative': {
        const w = constant(inputs[1], node);
        const [kh, kw, cin, k] = w.shape;
        const depthwise = node.op === 'DepthwiseConv2dNative';
        const cout = depthwise ? cin * k : k;
        // TF [kh, kw, cin, cout] (depthwise: [kh, kw, cin, multiplier]) → ONNX [cout, cin / group, kh, kw].
        const wt = new Float32Array(w.values.length);
        for (let y = 0; y < kh; y++)
          for (let xx = 0; xx < kw; xx++)
            for (let c = 0; c < cin; c++)
              for (let o = 0; o < k; o++) {
                const src = ((y * kw + xx) * cin + c) * k + o;
                wt[depthwise ? ((c * k + o) * kh + y) * kw + xx : ((o * cin + c) * kh + y) * kw + xx] = w.values[src];
              }
        if (!nchw.has(x)) throw new Error(`graphDefToOnnx: node ${node.name}: convolution input ${x} is not an image tensor`);
        const conv = [x, addInit(fresh(`${node.name}/w`), depthwise ? [cout, 1, kh, kw] : [cout, cin, kh, kw], wt)];
        if (node.op === '_FusedConv2D') conv.push(addInit(fresh(`${node.name}/b`), [cout], Float32Array.from(constant(inputs[2], node).values)));
        const attrs = [padding(node), ints('strides', spatial(node, 'strides')), ints('dilations', spatial(node, 'dilations')), ints('kernel_shape', [kh, kw])];
        if (depthwise) attrs.push(int('group', cin));
        result = emit('Conv', conv, node.op === '_FusedConv2D' ? fresh(node.name) : node.name, attrs);
        if (node.op === '_FusedConv2D') result = activation(node, result);
        nchw.add(result);
        break;
      }
      case 'MaxPool': {
        result = emit('MaxPool', [x], fresh(node.name), [padding(node), ints('strides', spatial(node, 'strides')), ints('kernel_shape', spatial(node, 'ksize'))]);
        nchw.add(result);
        break;
      }
      case 'Add':
      case 'AddV2':
      case 'Mul':
      case 'Sub':
      case 'Minimum':
      case 'Maximum': {
        const operands = inputs.map((i) => {
          const c = constants.get(i.replace(/:0$/, ''));
          if (!c) return resolve(i);
          // A constant broadcast along the channels (last axis) of an NCHW tensor needs [C, 1, 1].
          const other = resolve(inputs.find((j) => j !== i) ?? i);
          const dims = nchw.has(other) && c.shape.length === 1 && c.values.length > 1 ? [c.values.length, 1, 1] : c.shape;
          return addInit(fresh(i), dims, Float32Array.from(c.values));
        });
        const tensors = operands.filter((o) => !constantInputs.has(o));
        const layouts = tensors.filter((o) => nchw.has(o)).length;
        if (layouts > 0 && layouts < tensors.length) throw new Error(`graphDefToOnnx: node ${node.name}: operands in different layouts`);
        const op = { Add: 'Add', AddV2: 'Add', Mul: 'Mul', Sub: 'Sub', Minimum: 'Min', Maximum: 'Max' }[node.op];
        result = emit(op, operands, fresh(node.name));
        if (layouts > 0) nchw.add(result);
        break;
      }
      case 'Relu':
      case 'Sigmoid':
        result = emit(node.op, [x], fresh(node.name));
        if (nchw.has(x)) nchw.add(result);
        break;
      case 'Pad': {
        const p = Array.from(constant(inputs[1], node).values);
        const r = p.length / 2;
        const axes = nchw.has(x) ? [0, 3, 1, 2] : [...Array(r).keys()]; // ONNX axis j holds graph axis axes[j]
        const pads = [...axes.map((a) => p[2 * a]), ...axes.map((a) => p[2 * a + 1])];
        result = emit('Pad', [x, addInit(fresh(`${node.name}/pads`), [pads.length], BigInt64Array.from(pads.map(BigInt)))], fresh(node.name), [str('mode', 'constant')]);
        if (nchw.has(x)) nchw.add(result);
        break;
      }
      case 'Reshape': {
        const shape = Array.from(constant(inputs[1], node).values);
        result = emit('Reshape', [graphLayout(x), addInit(fresh(`${node.name}/shape`), [shape.length], BigInt64Array.from(shape.map(BigInt)))], fresh(node.name));
        break;
      }
      case 'Mean': {
        const keep = node.attr?.keep_dims?.b === true;
        const axes = Array.from(constant(inputs[1], node).values);
        // Reducing H and W of an NCHW tensor without keeping them leaves [N, C], as in the graph's layout.
        const onImage = nchw.has(x) && (keep || [...axes].sort().join() === '1,2');
        const src = onImage ? x : graphLayout(x);
        result = emit('ReduceMean', [src], fresh(node.name), [ints('axes', onImage ? axes.map((a) => TO_NCHW_AXIS[a]) : axes), int('keepdims', keep ? 1 : 0)]);
        if (onImage && keep) nchw.add(result);
        break;
      }
      case 'Softmax':
        result = emit('Softmax', [graphLayout(x)], fresh(node.name), [int('axis', -1)]);
        break;
      case '_FusedMatMul': {
        if (node.attr?.transpose_a?.b || node.attr?.transpose_b?.b) throw new Error(`graphDefToOnnx: node ${node.name}: transposed MatMul operands are not supported`);
        const w = constant(inputs[1], node);
        const b = constant(inputs[2], node);
        const mm = emit('MatMul', [graphLayout(x), addInit(fresh(`${node.name}/w`), w.shape, Float32Array.from(w.values))], fresh(node.name));
        result = activation(node, emit('Add', [mm, addInit(fresh(`${node.name}/b`), b.shape, Float32Array.from(b.values))], fresh(node.name)));
        break;
      }
      default:
        throw new Error(`graphDefToOnnx: op ${node.op} (node ${node.name}) is not supported`);
    }
    alias.set(node.name, result);
  }

  const placeholder = nodes.find((n) => n.op === 'Placeholder');
  if (!placeholder) throw new Error('graphDefToOnnx: the graph has no input');
  const inputDims = (placeholder.attr as { shape?: { shape?: { dim?: { size: string }[] } } } | undefined)?.shape?.shape?.dim?.map((d) => Number(d.size)) ?? [-1, -1, -1, -1];
  const graphOutputs = outputs.map((name) => {
    const t = alias.get(name);
    if (t === undefined) throw new Error(`graphDefToOnnx: no node named ${name}`);
    if (pooled.includes(name)) {
      if (!nchw.has(t)) throw new Error(`graphDefToOnnx: output ${name} is not an image tensor and cannot be pooled`);
      return emit('ReduceMean', [t], `out:${name}`, [ints('axes', [2, 3]), int('keepdims', 0)]);
    }
    return emit('Identity', [graphLayout(t)], `out:${name}`);
  });
  const model: onnx.IModelProto = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'mer graphDefToOnnx',
    graph: {
      name: 'graph',
      node: out,
      initializer: initializers,
      input: [
        pixels
          ? { name: placeholder.name, type: { tensorType: { elemType: UINT8, shape: { dim: [{ dimValue: 1 }, { dimParam: 'height' }, { dimParam: 'width' }, { dimValue: 3 }] } } } }
          : { name: placeholder.name, type: { tensorType: { elemType: FLOAT, shape: { dim: inputDims.map((d, i) => (i === 0 || d < 0 ? { dimParam: `d${i}` } : { dimValue: d })) } } } },
      ],
      output: graphOutputs.map((name) => ({ name, type: { tensorType: { elemType: FLOAT } } })),
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}
