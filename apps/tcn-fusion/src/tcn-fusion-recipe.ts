import { loadModel } from '@mer/attention-fusion';
import { NetworkRecipe, RecipeNetwork, streamWidth, TRAINING_COMMON, vaNetwork } from '@mer/training';
import { TcnBranchHeads } from './tcn-branch-heads';
import { TCN_FUSION_PRESETS, TcnFusionConfig, tcnFusionConfig } from './tcn-fusion-config';
import { TcnFusionModel } from './tcn-fusion-model';
import { tcnFusionStages } from './tcn-fusion-stages';

// Staged training (the paper preset): the model's parts, and per-branch VA heads for the branch stage.
const network = (model: TcnFusionModel): RecipeNetwork => ({
  ...vaNetwork(model, 'tcn-fusion', ['visual', 'vggish', 'logmel']),
  parts: () => model.parts(),
  stageHeads: (heads) => new TcnBranchHeads(model, heads),
});

/** TCN-fusion as a pipeline network: IResNet-50 / VGGish / LogMel-VGG streams (offline stand-ins by default) → per-frame VA. */
export const tcnFusionRecipe: NetworkRecipe = {
  name: 'tcn-fusion',
  description: 'TCN-fusion (ABAW-8): multi-scale dilated TCNs, visual-query cross-attention, valence-arousal regression',
  task: 'va',
  timing: { kind: 'frames' },
  streams: [
    { name: 'visual', modality: 'visual', extractor: 'face', standsInFor: 'IResNet-50 (512-d)' },
    { name: 'vggish', modality: 'audio', extractor: 'logmel-mean-std+egemaps', standsInFor: 'VGGish (128-d)', paperExtractor: 'vggish' },
    { name: 'logmel', modality: 'audio', extractor: 'logmel-halves', standsInFor: 'LogMel-VGG (128-d)' },
  ],
  presets: Object.keys(TCN_FUSION_PRESETS),
  defaultPreset: 'paper',
  training: {
    // The official code: Adam lr 1e-5, wd 1e-3, batch 16, 1 − CCC, ReduceLROnPlateau on validation CCC; windows 300/200.
    paper: { ...TRAINING_COMMON, optimizer: 'adam', learningRate: 1e-5, weightDecay: 1e-3, batchSize: 16, epochs: 100, loss: 'ccc', scheduler: { kind: 'plateau', factor: 0.1, patience: 5 }, window: { size: 300, hop: 200 } },
  },
  // Its own loss, 1 − CCC; no plateau scheduler on a 15-epoch run.
  demo: { preset: 'lite', training: { optimizer: 'adamw', learningRate: 2e-3, epochs: 15, batchSize: 4, window: { size: 32, hop: 16 }, loss: 'ccc', scheduler: { kind: 'none' } } },
  presetConfig: (preset) => tcnFusionConfig(preset),
  // paper: the branch TCNs with per-branch heads, then end to end (§3.7); other presets: one stage.
  stages: tcnFusionStages,
  build: (widths, preset, options = {}) => {
    const w = (n: string) => streamWidth(tcnFusionRecipe, widths, n);
    return network(new TcnFusionModel(tcnFusionConfig(preset, { visualDim: w('visual'), vggishDim: w('vggish'), logmelDim: w('logmel'), ...(options.overrides as Partial<TcnFusionConfig>) })));
  },
  load: (files) => network(loadModel(files, 'tcn-fusion', (config: TcnFusionConfig) => new TcnFusionModel(config))),
};
