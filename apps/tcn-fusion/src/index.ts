import type { ModelFiles } from '@mer/backend';
import { loadModel, saveWeights } from '@mer/attention-fusion';
import { TcnFusionConfig, tcnFusionConfig } from './tcn-fusion-config';
import { TcnFusionModel } from './tcn-fusion-model';

export { TCN_FUSION_PAPER, TCN_FUSION_PRESETS, tcnFusionConfig } from './tcn-fusion-config';
export type { TcnFusionConfig } from './tcn-fusion-config';
export { TcnFusionModel } from './tcn-fusion-model';
export type { TcnFusionInputs } from './tcn-fusion-model';
export { tcnFusionRecipe } from './tcn-fusion-recipe';
export { TCN_FUSION_STAGES, tcnFusionStages } from './tcn-fusion-stages';
export { TcnBranchHeads } from './tcn-branch-heads';

/** Builds TCN-fusion from a preset name (`paper`, `official-code`, `lite`) and overrides. */
export function createTcnFusionModel(preset = 'paper', overrides: Partial<TcnFusionConfig> = {}): TcnFusionModel {
  return new TcnFusionModel(tcnFusionConfig(preset, overrides));
}

/** Saves config + weights into `files` (a folder: `folderFiles(dir)` from `@mer/media`). */
export async function saveTcnFusionModel(model: TcnFusionModel, files: ModelFiles): Promise<void> {
  await saveWeights(model, files, { model: 'tcn-fusion', config: model.config });
}

/** Rebuilds a saved TCN-fusion model from its config and loads its weights. */
export function loadTcnFusionModel(files: ModelFiles): TcnFusionModel {
  return loadModel(files, 'tcn-fusion', (config: TcnFusionConfig) => new TcnFusionModel(config));
}
