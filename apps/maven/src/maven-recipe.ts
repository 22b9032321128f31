import { loadModel } from '@mer/attention-fusion';
import { NetworkRecipe, streamWidth, TRAINING_COMMON, vaNetwork } from '@mer/training';
import { MAVEN_PRESETS, MavenConfig, mavenConfig } from './maven-config';
import { MavenModel } from './maven-model';

const network = (model: MavenModel) => vaNetwork(model, 'maven', ['visual', 'audio', 'text']);

/** MAVEN as a pipeline network: Swin / HuBERT / ASR+RoBERTa streams (offline stand-ins by default) → per-frame VA. */
export const mavenRecipe: NetworkRecipe = {
  name: 'maven',
  description: 'MAVEN: six-pathway bidirectional cross-modal attention, BEiT-style encoders (additive attention, eq. 21-24), polar valence-arousal head',
  task: 'va',
  timing: { kind: 'frames' },
  streams: [
    { name: 'visual', modality: 'visual', extractor: 'face', standsInFor: 'Swin-B (1024-d)' },
    { name: 'audio', modality: 'audio', extractor: 'logmel-mean-std+egemaps', standsInFor: 'HuBERT-base (768-d)', paperExtractor: 'hub-audio' },
    { name: 'text', modality: 'text', extractor: 'hashed-words', standsInFor: 'ASR + RoBERTa-base (768-d)', paperExtractor: 'hub-text' },
  ],
  presets: Object.keys(MAVEN_PRESETS),
  defaultPreset: 'paper',
  training: {
    // §3.8's AdamW lr 1e-4 with decoupled weight decay 1e-2 (not §4.2's "Adam, weight decay 1e-3": see
    // MAVEN_PRESETS), §4.2's batch 16 and 200 epochs, MSE on (v, a) (eq. 32); windows of 64 frames.
    paper: { ...TRAINING_COMMON, optimizer: 'adamw', learningRate: 1e-4, weightDecay: 1e-2, batchSize: 16, epochs: 200, loss: 'mse', scheduler: { kind: 'none' }, window: { size: 64, hop: 32 } },
  },
  demo: { preset: 'lite', training: { optimizer: 'adamw', learningRate: 1e-3, epochs: 15, batchSize: 4, window: { size: 32, hop: 16 }, loss: 'mse' } },
  presetConfig: (preset) => mavenConfig(preset),
  build: (widths, preset, options = {}) => {
    const w = (n: string) => streamWidth(mavenRecipe, widths, n);
    return network(new MavenModel(mavenConfig(preset, { visualDim: w('visual'), audioDim: w('audio'), textDim: w('text'), ...(options.overrides as Partial<MavenConfig>) })));
  },
  // A saved config without encoderAttention (older runs) builds the 'beit-dot' encoders it was trained with.
  load: (files) => network(loadModel(files, 'maven', (config: MavenConfig) => new MavenModel(config))),
};
