import * as tf from '@tensorflow/tfjs-core';
import { loadModel, saveWeights } from '@mer/attention-fusion';
import { NetworkRecipe, RecipeNetwork, SMALL_DATA_TRAINING, streamWidth, TRAINING_COMMON } from '@mer/training';
import { AVT_CA_PRESETS, AvtCaConfig, avtCaConfig } from './avt-ca-config';
import { AvtCaModel } from './avt-ca-model';

/** Raw mode: stored crop rows [B, T, S·S·3] as the backbone takes them, [B, T, S, S, 3]. */
function cropsOf(video: tf.Tensor, config: AvtCaConfig): tf.Tensor {
  if (config.mode !== 'raw' || video.rank !== 3) return video;
  const [b, t] = video.shape;
  return tf.reshape(video, [b, t, config.cropSize, config.cropSize, 3]); // [B, T, S, S, 3]
}

function network(model: AvtCaModel): RecipeNetwork {
  return {
    layer: model,
    forward: (s, o = {}) => {
      const out = tf.tidy(() => model.predict({ audio: s['audio'], video: cropsOf(s['video'], model.config) }, { training: o.training, dropAudio: o.drop === 'audio', dropVideo: o.drop === 'video' }));
      out.probabilities.dispose(); // the task reads the logits; the head's probabilities are not kept
      return { kind: 'classification', logits: out.logits as tf.Tensor2D };
    },
    save: (files) => saveWeights(model, files, { model: 'avt-ca', config: model.config }),
  };
}

/** RAVDESS' eight emotions, the classes AVT-CA is reported on. */
export const RAVDESS_CLASSES = ['neutral', 'calm', 'happy', 'sad', 'angry', 'fearful', 'disgust', 'surprised'] as const;

/**
 * AVT-CA as a pipeline network: MFCCs + a sampled clip's faces → emotion class. The `paper` and
 * `official-code` presets take the face crops themselves (extractor `face-crops`, 224×224 pixels a
 * frame) through the EfficientFace-style branch, trained end to end; `features` and `lite` take
 * per-frame embeddings of the shipped face CNN (extractor `face`).
 */
export const avtCaRecipe: NetworkRecipe = {
  name: 'avt-ca',
  description: 'AVT-CA: 1D-conv audio and face branches, intermediate transformer fusion, cross-self-attention, emotion classification',
  task: 'classification',
  timing: { kind: 'clip', seconds: 3.6, frames: 15 },
  streams: [
    { name: 'video', modality: 'visual', extractor: 'face', standsInFor: 'EfficientFace (1024-d, features mode)', presetExtractors: { paper: 'face-crops', 'official-code': 'face-crops' } },
    { name: 'audio', modality: 'audio', extractor: 'mfcc' },
  ],
  presets: Object.keys(AVT_CA_PRESETS),
  defaultPreset: 'paper',
  presetConfig: (preset) => avtCaConfig(preset),
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
    const overrides = (options.overrides ?? {}) as Partial<AvtCaConfig>;
    const base = { ...avtCaConfig(preset), ...overrides };
    const common = { audioDim: w('audio'), numClasses: options.numClasses ?? 8, ...overrides };
    if (base.mode === 'features') return network(new AvtCaModel(avtCaConfig(preset, { videoDim: w('video'), ...common })));
    // Raw mode: each stored row is one S×S×3 face crop; the backbone's width is the video frames'.
    const side = Math.round(Math.sqrt(w('video') / 3));
    if (3 * side * side !== w('video')) {
      throw new Error(`avt-ca preset '${preset}' takes face crops (S×S×3 pixels a frame, mer extract --pipeline avt-ca --preset ${preset}); the 'video' stream is ${w('video')}-d features — train the preset it was extracted for (features or lite)`);
    }
    if (overrides.cropSize !== undefined && overrides.cropSize !== side) throw new Error(`avt-ca: cropSize ${overrides.cropSize} was asked, but the stored face crops are ${side}×${side}`);
    return network(new AvtCaModel(avtCaConfig(preset, { ...common, cropSize: side })));
  },
  load: (files) => network(loadModel(files, 'avt-ca', (config: AvtCaConfig) => new AvtCaModel(config))),
};
