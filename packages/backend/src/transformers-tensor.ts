import * as tf from '@tensorflow/tfjs-core';

/** The shape of a transformers.js `Tensor` as far as conversion needs it. */
export interface TransformersTensorLike {
  type: string;
  data: ArrayLike<number | bigint> | BigInt64Array | BigUint64Array;
  dims: readonly number[];
}

export interface FromTransformersOptions {
  /** Cast the result to this tfjs dtype (e.g. 'float32' for token ids fed to an embedding matmul). */
  dtype?: 'float32' | 'int32' | 'bool';
}

export interface ToTransformersOptions {
  /**
   * transformers.js dtype of the result. Default: float32 → 'float32', bool → 'bool', and int32 →
   * 'int64' (what ONNX text and audio models take for ids and masks).
   */
  type?: 'float32' | 'int32' | 'int64' | 'bool';
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/**
 * The one conversion from a transformers.js tensor (ONNX runtime output) to a tfjs tensor on the
 * active backend. Copies the data once. Integer types become int32 (int64 values outside the int32
 * range are refused, naming the index), floats become float32, bool stays bool.
 *
 * @param t transformers.js Tensor with `dims` [d0, d1, ...]
 * @returns tfjs tensor of shape `dims`
 */
export function fromTransformersTensor(t: TransformersTensorLike, options: FromTransformersOptions = {}): tf.Tensor {
  const shape = [...t.dims];
  const size = shape.reduce((a, b) => a * b, 1);
  if (t.data.length !== size) {
    throw new Error(`fromTransformersTensor: data has ${t.data.length} values but dims [${shape}] need ${size}`);
  }
  let out: tf.Tensor;
  switch (t.type) {
    case 'float32':
      out = tf.tensor(t.data as Float32Array, shape, 'float32');
      break;
    case 'float64':
      out = tf.tensor(Float32Array.from(t.data as Float64Array), shape, 'float32');
      break;
    case 'float16': {
      const d = t.data as ArrayLike<number>;
      const f = new Float32Array(size);
      const isBits = d instanceof Uint16Array;
      for (let i = 0; i < size; i++) f[i] = isBits ? halfToFloat(d[i]) : Number(d[i]);
      out = tf.tensor(f, shape, 'float32');
      break;
    }
    case 'int8':
    case 'uint8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
    case 'int64':
    case 'uint64': {
      const d = t.data as ArrayLike<number | bigint>;
      const ints = new Int32Array(size);
      for (let i = 0; i < size; i++) {
        const v = Number(d[i]);
        if (v < INT32_MIN || v > INT32_MAX) {
          throw new Error(
            `fromTransformersTensor: ${t.type} value ${String(d[i])} at flat index ${i} does not fit tfjs int32`,
          );
        }
        ints[i] = v;
      }
      out = tf.tensor(ints, shape, 'int32');
      break;
    }
    case 'bool':
      out = tf.tensor(Uint8Array.from(t.data as ArrayLike<number>), shape, 'bool');
      break;
    default:
      throw new Error(`fromTransformersTensor: transformers.js dtype '${t.type}' has no tfjs equivalent`);
  }
  if (options.dtype !== undefined && options.dtype !== out.dtype) {
    const cast = tf.cast(out, options.dtype);
    out.dispose();
    out = cast;
  }
  return out;
}

/**
 * The one conversion from a tfjs tensor to a transformers.js Tensor (e.g. to feed an ONNX model).
 * Loads `@huggingface/transformers` on first use (an optional peer dependency).
 *
 * @param x tfjs tensor [d0, d1, ...]
 */
export async function toTransformersTensor(x: tf.Tensor, options: ToTransformersOptions = {}): Promise<any> {
  const { Tensor } = require('@huggingface/transformers') as { Tensor: new (type: string, data: any, dims: number[]) => any };
  const type = options.type ?? (x.dtype === 'int32' ? 'int64' : x.dtype === 'bool' ? 'bool' : 'float32');
  const values = await x.data();
  const dims = [...x.shape];
  switch (type) {
    case 'float32':
      return new Tensor('float32', values instanceof Float32Array ? values.slice() : Float32Array.from(values), dims);
    case 'int32':
      return new Tensor('int32', Int32Array.from(values), dims);
    case 'int64':
      return new Tensor('int64', BigInt64Array.from(Array.from(values, (v) => BigInt(Math.trunc(v)))), dims);
    case 'bool':
      return new Tensor('bool', Uint8Array.from(values), dims);
    default:
      throw new Error(`toTransformersTensor: unsupported target type '${String(type)}'`);
  }
}
