import * as tf from '@tensorflow/tfjs-core';
import { adapterLine, describeBackend, initBackend, specBackend } from './index';

/**
 * The guard of the CI's webgpu leg (tools/ci/webgpu-leg.sh runs it first): the numeric specs pick their
 * backend with specBackend(), so a leg that silently ran on wasm would pass them all. In `npm test` it
 * checks the wasm side of the same contract.
 */
const B = specBackend();

describe(`the backend the numeric specs run on (${B})`, () => {
  it('specBackend: webgpu only when MER_BACKEND=webgpu, else wasm', () => {
    expect(specBackend({ MER_BACKEND: 'webgpu' })).toBe('webgpu');
    expect(specBackend({ MER_BACKEND: ' webgpu ' })).toBe('webgpu');
    expect(specBackend({})).toBe('wasm');
    expect(specBackend({ MER_BACKEND: 'cpu' })).toBe('wasm');
    expect(specBackend({ MER_BACKEND: 'auto' })).toBe('wasm');
  });

  it(`initBackend starts ${B}: tf.getBackend(), the backend info, and a product computed there`, async () => {
    // The leg says which adapter it wants (MER_WEBGPU_ADAPTER): then MER_BACKEND=webgpu must have arrived.
    if (process.env['MER_WEBGPU_ADAPTER']) expect(B).toBe('webgpu');
    // webgpu as the leg asks for it (MER_BACKEND, no option); wasm as the specs name it.
    const info = await initBackend(B === 'webgpu' ? {} : { backend: 'wasm' });
    expect(tf.getBackend()).toBe(B);
    expect(info.name).toBe(B);
    expect(info.package).toBe(`@tensorflow/tfjs-backend-${B}`);
    expect(describeBackend(info).startsWith(`${B} (@tensorflow/tfjs-backend-${B}`)).toBe(true);
    if (B === 'webgpu') {
      expect(info.requestedBy).toBe('MER_BACKEND');
      // The adapter Dawn gave: named (vendor or architecture), and software or hardware as the leg says.
      const adapter = info.adapter;
      if (!adapter) throw new Error(`webgpu without an adapter in its backend info: ${describeBackend(info)}`);
      expect(`${adapter.vendor}${adapter.architecture}`).toMatch(/\w/);
      expect(describeBackend(info)).toContain(`adapter ${adapterLine(adapter)}`);
      const wanted = process.env['MER_WEBGPU_ADAPTER'];
      if (wanted) expect(adapter.software ? 'software' : 'hardware').toBe(wanted);
      expect(info.gpu).toBe(!adapter.software);
    } else {
      expect(info.adapter).toBeUndefined();
      expect(info.gpu).toBe(false);
      expect(typeof info.simd).toBe('boolean');
    }
    const product = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [7, 8]]));
    expect(Array.from(await product.data())).toEqual([19, 22, 43, 50]);
    tf.dispose(product);
  });
});
