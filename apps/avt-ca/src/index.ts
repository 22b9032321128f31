import type { ModelFiles } from '@mer/backend';
import { loadModel, saveWeights } from '@mer/attention-fusion';
import { AvtCaConfig, avtCaConfig } from './avt-ca-config';
import { AvtCaModel } from './avt-ca-model';

export { AVT_CA_PAPER, AVT_CA_PRESETS, avtCaConfig } from './avt-ca-config';
export type { AvtCaConfig } from './avt-ca-config';
export { AvtCaModel } from './avt-ca-model';
export type { AvtCaInputs, AvtCaForwardOptions } from './avt-ca-model';
export { avtCaRecipe, RAVDESS_CLASSES } from './avt-ca-recipe';

/** Builds AVT-CA from a preset name (`paper`, `official-code`, `lite`) and overrides. */
export function createAvtCaModel(preset = 'paper', overrides: Partial<AvtCaConfig> = {}): AvtCaModel {
  return new AvtCaModel(avtCaConfig(preset, overrides));
}

export async function saveAvtCaModel(model: AvtCaModel, files: ModelFiles): Promise<void> {
  await saveWeights(model, files, { model: 'avt-ca', config: model.config });
}

export function loadAvtCaModel(files: ModelFiles): AvtCaModel {
  return loadModel(files, 'avt-ca', (config: AvtCaConfig) => new AvtCaModel(config));
}
