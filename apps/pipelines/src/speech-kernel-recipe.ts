import { NetworkRecipe, streamWidth, TRAINING_COMMON } from '@mer/training';
import { DEFAULT_KERNEL_NETWORK, KernelNetworkConfig, kernelNetwork, loadKernelNetwork } from './kernel-network';

/**
 * Speech emotion from utterance functionals with a kernel machine: `speech-functionals` of the whole
 * recording (one row per item) → each speaker standardised with their own statistics → RBF kernel
 * ridge, class-balanced, γ and λ chosen by leave-one-speaker-out over the training speakers, fitted in
 * closed form (one "epoch"). On EmoDB (8 speakers, LOSO) it is mer's strongest speech system without a
 * pretrained encoder (npm run bench:real-data). Registered with the published networks
 * (`mer extract --pipeline speech-kernel`); the demo does not run it.
 */
export const speechKernelRecipe: NetworkRecipe = {
  name: 'speech-kernel',
  description: 'speech functionals of the whole recording → per-speaker standardisation → RBF kernel ridge (γ, λ by inner leave-one-speaker-out)',
  task: 'classification',
  // Functionals cover the whole recording whatever the clip; one row per item.
  timing: { kind: 'clip', seconds: 3.6, frames: 1 },
  streams: [{ name: 'audio', modality: 'audio', extractor: 'speech-functionals' }],
  presets: ['default'],
  defaultPreset: 'default',
  presetConfig: () => ({ ...DEFAULT_KERNEL_NETWORK }),
  training: {
    // No gradient descent: the fields below only shape batches; the fit is closed-form.
    paper: { ...TRAINING_COMMON, optimizer: 'adamw', learningRate: 0, weightDecay: 0, batchSize: 64, epochs: 1, loss: 'cross-entropy', scheduler: { kind: 'none' }, window: null, classBalance: true, standardise: 'speaker' },
  },
  build: (widths, _preset, options = {}) => {
    const config: KernelNetworkConfig = { ...DEFAULT_KERNEL_NETWORK, widths: { audio: streamWidth(speechKernelRecipe, widths, 'audio') }, numClasses: options.numClasses ?? 7, ...(options.overrides as Partial<KernelNetworkConfig>) };
    return kernelNetwork(config);
  },
  load: (files) => loadKernelNetwork(files),
};
