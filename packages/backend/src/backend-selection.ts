import * as tf from '@tensorflow/tfjs-core';
import { installGradientFills, installWasmKernelFixes } from './gradient-fills';
import { assertSingleTfjsCore } from './tfjs-core-copies';

/** The tensor backends mer can run on, fastest first. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export interface InitBackendOptions {
  /** 'auto' (default) tries tensorflow (tfjs-node-gpu, tfjs-node), then wasm, then cpu. Overrides MER_BACKEND. */
  backend?: BackendName | 'auto';
  /** Environment to read MER_BACKEND from. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Check that exactly one tfjs-core is installed (default true). */
  checkSingleCore?: boolean;
}

export interface BackendAttempt {
  backend: BackendName;
  package: string;
  ok: boolean;
  reason?: string;
}

export interface BackendInfo {
  /** The active tfjs backend. */
  name: BackendName;
  /** The npm package that provides it. */
  package: string;
  /** True when the CUDA build of TensorFlow (tfjs-node-gpu) is active. */
  gpu: boolean;
  /** wasm only: whether the SIMD build runs. */
  simd?: boolean;
  tfjsCoreVersion: string;
  /** How the choice was made: 'option', 'MER_BACKEND' or 'auto'. */
  requestedBy: 'option' | 'MER_BACKEND' | 'auto';
  /** Everything tried, in order, with the reason each failed. */
  attempts: BackendAttempt[];
}

let active: BackendInfo | undefined;

function errorText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0];
}

async function tryTensorflow(attempts: BackendAttempt[]): Promise<{ pkg: string; gpu: boolean } | undefined> {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      require(pkg);
      if (!(await tf.setBackend('tensorflow'))) throw new Error('backend "tensorflow" failed to initialise');
      attempts.push({ backend: 'tensorflow', package: pkg, ok: true });
      return { pkg, gpu: pkg.endsWith('-gpu') };
    } catch (e) {
      attempts.push({ backend: 'tensorflow', package: pkg, ok: false, reason: errorText(e) });
    }
  }
  return undefined;
}

async function tryWasm(attempts: BackendAttempt[]): Promise<boolean> {
  const pkg = '@tensorflow/tfjs-backend-wasm';
  try {
    require(pkg);
    installWasmKernelFixes();
    if (!(await tf.setBackend('wasm'))) throw new Error('backend "wasm" failed to initialise');
    attempts.push({ backend: 'wasm', package: pkg, ok: true });
    return true;
  } catch (e) {
    attempts.push({ backend: 'wasm', package: pkg, ok: false, reason: errorText(e) });
    return false;
  }
}

async function tryCpu(attempts: BackendAttempt[]): Promise<boolean> {
  const pkg = '@tensorflow/tfjs-backend-cpu';
  try {
    require(pkg);
    if (!(await tf.setBackend('cpu'))) throw new Error('backend "cpu" failed to initialise');
    // The cpu backend's first write prints an advert for tfjs-node; mer already tried it and
    // reports why it is not used (BackendInfo.attempts), so the advert is switched off.
    const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
    if (cpu) cpu.firstUse = false;
    attempts.push({ backend: 'cpu', package: pkg, ok: true });
    return true;
  } catch (e) {
    attempts.push({ backend: 'cpu', package: pkg, ok: false, reason: errorText(e) });
    return false;
  }
}

function parseRequest(options: InitBackendOptions): { want: BackendName | 'auto'; by: BackendInfo['requestedBy'] } {
  if (options.backend !== undefined && options.backend !== 'auto') return { want: options.backend, by: 'option' };
  if (options.backend === 'auto') return { want: 'auto', by: 'auto' };
  const fromEnv = (options.env ?? process.env)['MER_BACKEND']?.trim();
  if (fromEnv !== undefined && fromEnv !== '' && fromEnv !== 'auto') {
    if (!(BACKEND_ORDER as readonly string[]).includes(fromEnv)) {
      throw new Error(`MER_BACKEND="${fromEnv}" is not a backend; use one of ${BACKEND_ORDER.join(', ')} or auto`);
    }
    return { want: fromEnv as BackendName, by: 'MER_BACKEND' };
  }
  return { want: 'auto', by: 'auto' };
}

/**
 * Chooses and initialises the one tensor backend for the process, once. The only place in mer that
 * selects a backend. Order: the `backend` option, else `MER_BACKEND`, else auto (tensorflow via
 * tfjs-node-gpu or tfjs-node when installed and loadable, then wasm, then cpu). A backend named
 * explicitly that cannot start is an error, never a silent fallback.
 *
 * Calling again returns the active backend, or switches when a different one is named.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  installGradientFills();
  const { want, by } = parseRequest(options);
  if (active !== undefined && (want === 'auto' || want === active.name) && tf.getBackend() === active.name) {
    return active;
  }
  if (options.checkSingleCore ?? true) assertSingleTfjsCore();
  const attempts: BackendAttempt[] = [];
  let name: BackendName | undefined;
  let pkg = '';
  let gpu = false;
  const candidates = want === 'auto' ? BACKEND_ORDER : [want];
  for (const candidate of candidates) {
    if (candidate === 'tensorflow') {
      const r = await tryTensorflow(attempts);
      if (r) [name, pkg, gpu] = ['tensorflow', r.pkg, r.gpu];
    } else if (candidate === 'wasm') {
      if (await tryWasm(attempts)) [name, pkg] = ['wasm', '@tensorflow/tfjs-backend-wasm'];
    } else if (await tryCpu(attempts)) {
      [name, pkg] = ['cpu', '@tensorflow/tfjs-backend-cpu'];
    }
    if (name !== undefined) break;
  }
  if (name === undefined) {
    const why = attempts.map((a) => `  ${a.package}: ${a.reason}`).join('\n');
    throw new Error(`No tensor backend could start (${want === 'auto' ? 'auto' : `asked for ${want} by ${by}`}):\n${why}`);
  }
  await tf.ready();
  const simd = name === 'wasm' ? Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) : undefined;
  active = { name, package: pkg, gpu, simd, tfjsCoreVersion: tf.version_core, requestedBy: by, attempts };
  return active;
}

/** The backend chosen by {@link initBackend}, or undefined before it ran. */
export function getBackendInfo(): BackendInfo | undefined {
  return active;
}

/** One line for logs: `wasm (@tensorflow/tfjs-backend-wasm, SIMD, tfjs-core 4.22.0)`. */
export function describeBackend(info: BackendInfo | undefined = active): string {
  if (info === undefined) return 'no backend initialised (call initBackend())';
  const extras = [info.package, info.gpu ? 'GPU' : undefined, info.simd ? 'SIMD' : undefined, `tfjs-core ${info.tfjsCoreVersion}`];
  return `${info.name} (${extras.filter(Boolean).join(', ')})`;
}
