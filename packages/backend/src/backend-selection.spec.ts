import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describeBackend, findTfjsCoreCopies, getBackendInfo, initBackend } from './index';

describe('initBackend', () => {
  it('auto: tries tensorflow first, falls back to the fastest backend that starts, and says why', async () => {
    const info = await initBackend({ env: {} });
    expect(info.requestedBy).toBe('auto');
    expect(tf.getBackend()).toBe(info.name);
    expect(info.tfjsCoreVersion).toBe(tf.version_core);
    expect(info.attempts[0].backend).toBe('tensorflow');
    if (info.name !== 'tensorflow') {
      // Every tensorflow attempt failed with its reason (not installed here, or no libtensorflow).
      for (const a of info.attempts.filter((x) => x.backend === 'tensorflow')) {
        expect(a.ok).toBe(false);
        expect(a.reason).toBeTruthy();
      }
      // webgpu only on a hardware adapter (this machine: none, or SwiftShader), else wasm.
      const webgpu = info.attempts.find((a) => a.backend === 'webgpu')!;
      expect(webgpu.ok).toBe(info.name === 'webgpu');
      if (info.name === 'webgpu') expect(info.adapter?.software).toBe(false);
      else {
        expect(webgpu.reason).toBeTruthy();
        expect(info.name).toBe('wasm');
        expect(info.simd).toBe(true);
      }
    }
    expect(getBackendInfo()).toBe(info);
    expect(describeBackend(info)).toMatch(new RegExp(`^${info.name} \\(`));
  });

  it('honours MER_BACKEND and the API option, the option winning', async () => {
    const viaEnv = await initBackend({ env: { MER_BACKEND: 'cpu' } });
    expect(viaEnv).toMatchObject({ name: 'cpu', requestedBy: 'MER_BACKEND' });
    const viaOption = await initBackend({ backend: 'wasm', env: { MER_BACKEND: 'cpu' } });
    expect(viaOption).toMatchObject({ name: 'wasm', requestedBy: 'option' });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('rejects an unknown MER_BACKEND, naming the choices', async () => {
    await expect(initBackend({ env: { MER_BACKEND: 'metal' } })).rejects.toThrow(
      /MER_BACKEND="metal" is not a backend; use one of tensorflow, webgpu, wasm, cpu or auto/,
    );
  });

  it('never silently falls back from an explicitly requested backend', async () => {
    let nodeInstalled = true;
    try {
      require.resolve('@tensorflow/tfjs-node');
    } catch {
      nodeInstalled = false;
    }
    const attempt = initBackend({ backend: 'tensorflow' });
    if (nodeInstalled) await expect(attempt).resolves.toMatchObject({ name: 'tensorflow' });
    else await expect(attempt).rejects.toThrow(/No tensor backend could start \(asked for tensorflow by option\)/);
    await initBackend({ backend: 'wasm' });
  });
});

describe('one tfjs-core instance', () => {
  it('every tfjs package and every mer package resolve the same @tensorflow/tfjs-core', () => {
    const root = path.resolve(__dirname, '../../..');
    const dirs = [__dirname, path.join(root, 'packages/metrics/src'), path.join(root, 'apps/cli/src'), root];
    const all = new Set<string>();
    for (const dir of dirs) {
      const copies = findTfjsCoreCopies(dir);
      expect([...copies.values()].flat()).toEqual(
        expect.arrayContaining(['@mer/backend', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-layers']),
      );
      for (const core of copies.keys()) all.add(core);
    }
    expect(all.size).toBe(1);
  });

  it('the wasm and cpu backends register into the engine this package imports', async () => {
    await initBackend({ backend: 'wasm' });
    expect(tf.findBackend('wasm')).not.toBeNull();
    await initBackend({ backend: 'cpu' });
    expect(tf.findBackend('cpu')).not.toBeNull();
    // A tensor made on one backend is readable after switching: same engine, same tensor world.
    const t = tf.tensor1d([1, 2, 3]);
    await initBackend({ backend: 'wasm' });
    expect(Array.from(tf.add(t, 1).dataSync())).toEqual([2, 3, 4]);
    t.dispose();
  });
});
