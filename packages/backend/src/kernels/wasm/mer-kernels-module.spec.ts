import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { getBackendInfo, onBackend } from '../../index';
import { MER_KERNELS_SOURCE_SHA256, MER_KERNELS_WASM_BASE64 } from './mer-kernels-binary';
import { asAxisSwap, mergeAxes, merKernelsFor } from './mer-kernels-module';
import { merKernelsActive } from '../wasm-kernel-registry';

/** The parts of the WebAssembly JS API used here (the package compiles without the DOM lib). */
const WA = (globalThis as unknown as {
  WebAssembly: {
    Module: { new (bytes: Uint8Array): object; imports(m: object): object[]; exports(m: object): { name: string }[] };
  };
}).WebAssembly;

/** Top-level sections of a wasm binary: [id, payload start, payload length]. */
function sections(bytes: Buffer): [number, number, number][] {
  const out: [number, number, number][] = [];
  let i = 8;
  while (i < bytes.length) {
    const id = bytes[i++];
    let len = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[i++];
      len |= (b & 0x7f) << shift;
      shift += 7;
      if ((b & 0x80) === 0) break;
    }
    out.push([id, i, len]);
    i += len;
  }
  return out;
}

describe("mer's wasm kernel module", () => {
  const bytes = Buffer.from(MER_KERNELS_WASM_BASE64, 'base64');

  it('was compiled from the committed mer_kernels.c (rebuild with tools/build-wasm-kernels.sh)', () => {
    const source = fs.readFileSync(path.join(__dirname, 'mer_kernels.c'));
    expect(crypto.createHash('sha256').update(source).digest('hex')).toBe(MER_KERNELS_SOURCE_SHA256);
  });

  it('can share tfjs-wasm memory: imports only env.memory, no data segments, no function imports', () => {
    const module = new WA.Module(bytes);
    expect(WA.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    const ids = sections(bytes).map(([id]) => id);
    expect(ids).not.toContain(11); // data
    expect(ids).not.toContain(12); // data count
    expect(WA.Module.exports(module).map((e) => e.name).sort()).toEqual(
      [
        'mer_adamw',
        'mer_binary_row',
        'mer_col2im',
        'mer_conv2d_filter_grad',
        'mer_copy_block',
        'mer_depthwise_filter_grad',
        'mer_depthwise_input_grad',
        'mer_gemm',
        'mer_layer_norm',
        'mer_layer_norm_grad',
        'mer_leaky_relu',
        'mer_leaky_relu_grad',
        'mer_max_pool_grad',
        'mer_pack_floats',
        'mer_sum_middle',
        'mer_swap_axes',
      ].sort(),
    );
  });

  it('runs on the wasm backend of this process', async () => {
    await onBackend('wasm', () => {
      expect(merKernelsFor(tf.backend())).toBeDefined();
      expect(getBackendInfo()?.merKernels).toBe(true);
      expect(merKernelsActive()).toBe(true);
    });
    // What a page reads after starting tfjs itself: false where the module does not run.
    await onBackend('cpu', () => expect(merKernelsActive()).toBe(false));
  });

  it('leaves tfjs-wasm heap contents outside its outputs untouched', async () => {
    await onBackend('wasm', () => {
      const guard = tf.range(0, 4096, 1, 'float32');
      tf.tidy(() => {
        const a = tf.randomNormal([3, 17, 33]);
        tf.matMul(a, tf.randomNormal([3, 33, 9])).dataSync();
        tf.transpose(a, [0, 2, 1]).dataSync();
        tf.sum(a, 1).dataSync();
      });
      expect(Array.from(guard.dataSync())).toEqual(Array.from({ length: 4096 }, (_, i) => i));
      guard.dispose();
    });
  });
});

describe('axis merging for transposes', () => {
  it('merges axes that stay together and drops size-1 axes', () => {
    expect(mergeAxes([16, 64, 2, 32], [0, 2, 1, 3])).toEqual({ shape: [16, 64, 2, 32], perm: [0, 2, 1, 3] });
    expect(mergeAxes([2, 3, 4, 5], [2, 3, 0, 1])).toEqual({ shape: [6, 20], perm: [1, 0] });
    expect(mergeAxes([2, 1, 4], [2, 1, 0])).toEqual({ shape: [2, 4], perm: [1, 0] });
    expect(mergeAxes([2, 3, 4], [0, 1, 2])).toEqual({ shape: [24], perm: [0] });
  });

  it('recognises swaps of two neighbouring blocks and nothing else', () => {
    expect(asAxisSwap([5, 7], [1, 0])).toEqual({ outer: 1, p: 5, q: 7, inner: 1 });
    expect(asAxisSwap([16, 64, 2, 32], [0, 2, 1, 3])).toEqual({ outer: 16, p: 64, q: 2, inner: 32 });
    expect(asAxisSwap([2, 3, 4, 5], [0, 3, 1, 2])).toEqual({ outer: 2, p: 12, q: 5, inner: 1 });
    expect(asAxisSwap([2, 3, 4], [2, 0, 1])).toEqual({ outer: 1, p: 6, q: 4, inner: 1 });
    expect(asAxisSwap([2, 3, 4], [2, 1, 0])).toBeUndefined();
    expect(asAxisSwap([2, 3, 4], [0, 1, 2])).toBeUndefined();
  });
});
