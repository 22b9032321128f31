import * as tf from '@tensorflow/tfjs-core';
import { overrideWasmKernel } from './wasm-kernel-registry';

/** The members of tfjs-backend-wasm's BackendWasm used here. */
interface RefCountingBackend {
  incRef(dataId: object): void;
}

/**
 * tfjs-backend-wasm's Identity copies its input (a [16, 4, 300, 300] attention map: 24 ms here), and
 * the gradient tape calls it for every pass-through gradient — 13 % of a TCN-fusion training step.
 * Tensors are immutable and the engine counts references per buffer, so the output can share the
 * input's buffer, as tfjs' cpu backend does.
 */
const identity: tf.KernelFunc = ({ inputs, backend }) => {
  const x = inputs['x'] as tf.TensorInfo;
  (backend as unknown as RefCountingBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

/** Makes wasm Identity share its input's buffer (strings keep the stock kernel). Idempotent. */
export function installWasmIdentity(): void {
  overrideWasmKernel('Identity', (stock) => (args) => ((args.inputs['x'] as tf.TensorInfo).dtype === 'string' ? stock(args) : identity(args)));
}
