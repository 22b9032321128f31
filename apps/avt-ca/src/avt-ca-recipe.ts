import type * as tf from '@tensorflow/tfjs-core';
import { loadModel, saveWeights } from '@mer/attention-fusion';
import { NetworkRecipe, RecipeNetwork, SMALL_DATA_TRAINING, streamWidth, TRAINING_COMMON } from '@mer/training';
import { AVT_CA_PRESETS, AvtCaConfig, avtCaConfig } from './avt-ca-config';
import { AvtCaModel } from './avt-ca-model';

function network(model: AvtCaModel): RecipeNetwork {
  return {
    layer: model,
    forward: (s, o = {}) => {
      const out = model.predict({ audio: s['audio'], video: s['video'] }, { training: o.training, dropAudio: o.drop === 'audio', dropVideo: o.drop === 'video' });
      return { kind: 'classification', logits: out.logits as tf.Tensor2D };
    },
    save: (files) => saveWeights(model, files, { model: 'avt-ca', config: model.config }),
  };
}

/** RAVDESS' eight emotions, the classes AVT-CA is reported on. */
export const RAVDESS_CLASSES = ['neutral', 'calm', 'happy', 'sad', 'angry', 'fearful', 'disgust', 'surprised'] as const;

/** AVT-CA as a pipeline network: per-frame face embeddings of a sampled clip + MFCCs → emotion class. */
export const avtCaRecipe: NetworkRecipe = {
  name: 'avt-ca',
  description: 'AVT-CA: 1D-conv audio and face branches, intermediate transformer fusion, cross-self-attention, emotion classification',
  task: 'classification',
  timing: { kind: 'clip', seconds: 3.6, frames: 15 },
  streams: [
    { name: 'video', modality: 'visual', extractor: 'face', standsInFor: 'EfficientFace (1024-d, features mode)' },
    { name: 'audio', modality: 'audio', extractor: 'mfcc' },
  ],
  presets: Object.keys(AVT_CA_PRESETS),
  defaultPreset: 'paper',
  presetConfig: (preset) => avtCaConfig(preset),
  extractedPreset: { preset: 'features', why: "AVT-CA's paper preset takes raw 224×224 face crops through the EfficientFace-style backbone, which mer extract does not write; 'features' is the same network on the extracted per-frame face embeddings (--preset paper names the other)" },
  training: {
    // The paper: Adam lr 0.01, wd 1e-3, batch 8, 128 epochs, cross-entropy.
    paper: { ...TRAINING_COMMON, optimizer: 'adam', learningRate: 0.01, weightDecay: 1e-3, batchSize: 8, epochs: 128, loss: 'cross-entropy', scheduler: { kind: 'none' }, window: null },
    // Hundreds of clips from a handful of speakers (EmoDB, one RAVDESS fold): see npm run bench:real-data.
    'small-data': { ...SMALL_DATA_TRAINING },
  },
  // Chosen by inner validation on EmoDB's training speakers (npm run bench:real-data); 'paper' stays by name.
  defaultProfile: 'small-data',
  demo: { preset: 'lite', profile: 'paper', training: { optimizer: 'adam', learningRate: 1e-3, epochs: 15, batchSize: 4 } },
  defaultClasses: RAVDESS_CLASSES,
  droppable: ['audio', 'video'],
  build: (widths, preset, options = {}) => {
    const w = (n: string) => streamWidth(avtCaRecipe, widths, n);
    const config = avtCaConfig(preset, { audioDim: w('audio'), videoDim: w('video'), numClasses: options.numClasses ?? 8, ...(options.overrides as Partial<AvtCaConfig>) });
    if (config.mode !== 'features') throw new Error(`avt-ca preset '${preset}' is raw-frame mode; pipelines extract per-frame face embeddings — use 'features' or 'lite'`);
    return network(new AvtCaModel(config));
  },
  load: (files) => network(loadModel(files, 'avt-ca', (config: AvtCaConfig) => new AvtCaModel(config))),
};
