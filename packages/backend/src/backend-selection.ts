import * as tf from '@tensorflow/tfjs-core';
import { installGradientFills, installWasmKernelFixes } from './gradient-fills';
import { merKernelsFor } from './kernels/wasm/mer-kernels-module';
import { assertSingleTfjsCore } from './tfjs-core-copies';
import { adapterLine, autoTakesAdapter, GpuAdapter, installNavigatorGpu, probeAdapter, probeAdapterInProcess } from './webgpu-adapter';

/** The tensor backends mer can run on, fastest first. */
export type BackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

export interface InitBackendOptions {
  /**
   * 'auto' (default) tries tensorflow (tfjs-node-gpu, tfjs-node), then webgpu on a hardware adapter
   * (never a software one), then wasm, then cpu. Overrides MER_BACKEND.
   */
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
  /** True on a GPU: the CUDA build of TensorFlow (tfjs-node-gpu), or webgpu on a hardware adapter. */
  gpu: boolean;
  /** webgpu only: the adapter it runs on (software: SwiftShader and the like, correct but slow). */
  adapter?: GpuAdapter;
  /** wasm only: whether the SIMD build runs. */
  simd?: boolean;
  /**
   * wasm only: whether mer's SIMD kernels (matrix products, transposes, sums, slices, convolution
   * gradients) run on the backend's heap; false leaves tfjs-wasm's stock kernels in place.
   */
  merKernels?: boolean;
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

/** Loads a backend package and switches to its backend; records the attempt either way. */
async function tryPackage(backend: BackendName, pkg: string, attempts: BackendAttempt[], beforeSwitch?: () => void): Promise<boolean> {
  try {
    require(pkg);
    beforeSwitch?.();
    if (!(await tf.setBackend(backend))) throw new Error(`backend "${backend}" failed to initialise`);
    attempts.push({ backend, package: pkg, ok: true });
    return true;
  } catch (e) {
    attempts.push({ backend, package: pkg, ok: false, reason: errorText(e) });
    return false;
  }
}

/**
 * Whether webgpu may be tried, and on which adapter. `auto` takes it only on a hardware adapter,
 * asked first without loading Dawn here (see `probeAdapter`); asked for by name, any adapter will do
 * (SwiftShader included: for correctness checks). A refusal is recorded as an attempt.
 */
async function webgpuCandidate(auto: boolean, attempts: BackendAttempt[], env: Record<string, string | undefined>): Promise<GpuAdapter | undefined> {
  const pkg = PACKAGES.webgpu[0];
  const refuse = (reason: string) => {
    attempts.push({ backend: 'webgpu', package: pkg, ok: false, reason });
    return undefined;
  };
  try {
    const probe = auto ? autoTakesAdapter(await probeAdapter(env)) : await probeAdapterInProcess();
    if ('reason' in probe) return refuse(probe.reason);
    const ready = installNavigatorGpu();
    if ('reason' in ready) return refuse(ready.reason);
    return probe.adapter;
  } catch (e) {
    return refuse(errorText(e));
  }
}

/** The packages that provide each backend, tried in order. */
const PACKAGES: Record<BackendName, string[]> = {
  tensorflow: ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'],
  webgpu: ['@tensorflow/tfjs-backend-webgpu'],
  wasm: ['@tensorflow/tfjs-backend-wasm'],
  cpu: ['@tensorflow/tfjs-backend-cpu'],
};

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
  let adapter: GpuAdapter | undefined;
  const candidates = want === 'auto' ? BACKEND_ORDER : [want];
  for (const candidate of candidates) {
    if (candidate === 'webgpu') {
      const found = await webgpuCandidate(want === 'auto', attempts, options.env ?? process.env);
      if (!found) continue;
      adapter = found;
    }
    for (const p of PACKAGES[candidate]) {
      if (await tryPackage(candidate, p, attempts, candidate === 'wasm' ? installWasmKernelFixes : undefined)) {
        [name, pkg, gpu] = [candidate, p, p.endsWith('-gpu') || (candidate === 'webgpu' && !adapter?.software)];
        break;
      }
    }
    if (name !== undefined) break;
  }
  if (name === 'cpu') {
    // The cpu backend's first write prints an advert for tfjs-node; mer already tried it and
    // reports why it is not used (BackendInfo.attempts), so the advert is switched off.
    const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
    if (cpu) cpu.firstUse = false;
  }
  if (name === undefined) {
    const why = attempts.map((a) => `  ${a.package}: ${a.reason}`).join('\n');
    throw new Error(`No tensor backend could start (${want === 'auto' ? 'auto' : `asked for ${want} by ${by}`}):\n${why}`);
  }
  await tf.ready();
  const simd = name === 'wasm' ? Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) : undefined;
  const merKernels = name === 'wasm' ? merKernelsFor(tf.backend()) !== undefined : undefined;
  active = { name, package: pkg, gpu, ...(name === 'webgpu' ? { adapter } : {}), simd, merKernels, tfjsCoreVersion: tf.version_core, requestedBy: by, attempts };
  return active;
}

/** The backend chosen by {@link initBackend}, or undefined before it ran. */
export function getBackendInfo(): BackendInfo | undefined {
  return active;
}

/** One line for logs: `wasm (@tensorflow/tfjs-backend-wasm, SIMD, tfjs-core 4.22.0)`. */
export function describeBackend(info: BackendInfo | undefined = active): string {
  if (info === undefined) return 'no backend initialised (call initBackend())';
  const extras = [info.package, info.adapter ? `adapter ${adapterLine(info.adapter)}` : info.gpu ? 'GPU' : undefined, info.simd ? 'SIMD' : undefined, info.merKernels ? 'mer kernels' : undefined, `tfjs-core ${info.tfjsCoreVersion}`];
  return `${info.name} (${extras.filter(Boolean).join(', ')})`;
}
