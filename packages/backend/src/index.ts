import { installGradientFills } from './gradient-fills';

export { initBackend, getBackendInfo, describeBackend, BACKEND_ORDER } from './backend-selection';
export type { BackendName, BackendInfo, BackendAttempt, InitBackendOptions } from './backend-selection';
export { adapterLine, autoTakesAdapter, describeAdapter, probeAdapter, ADAPTER_PROBE_ENV } from './webgpu-adapter';
export type { GpuAdapter, AdapterProbe } from './webgpu-adapter';
export { installGradientFills, installWasmKernelFixes, GRADIENT_FILLS } from './gradient-fills';
export { merKernelsActive } from './kernels/wasm-kernel-registry';
export { conv2dFilterGrad, conv2dInputGrad } from './gradients/conv2d-grad';
export type { ConvAttrs } from './gradients/conv2d-grad';
export { depthwiseConv2dFilterGrad, depthwiseConv2dInputGrad } from './gradients/depthwise-conv2d-grad';
export { rfft, powerSpectrum, disposeSpectralCache } from './spectral';
export type { RealSpectrum } from './spectral';
export { AdamW, DEFAULT_ADAMW } from './adamw';
export { layerNorm } from './layer-norm';
export type { AdamWArgs } from './adamw';
export { createRng } from './rng';
export type { Rng } from './rng';
export { fromTransformersTensor, toTransformersTensor } from './transformers-tensor';
export type { TransformersTensorLike, FromTransformersOptions, ToTransformersOptions } from './transformers-tensor';
export { findTfjsCoreCopies, assertSingleTfjsCore } from './tfjs-core-copies';
export { onBackend, numericalGradient, relativeError } from './gradient-check';
export { specBackend, readAndDispose, download } from './spec-backend';
export type { SpecBackend } from './spec-backend';
export { memoryFiles } from './model-files';
export type { ModelFiles } from './model-files';

// Importing @mer/backend makes every mer layer trainable on every backend.
installGradientFills();
