import type { ModelFiles } from '@mer/backend';
import { loadModel, saveWeights } from '@mer/attention-fusion';
import { MavenConfig, mavenConfig } from './maven-config';
import { MavenModel } from './maven-model';

export { MAVEN_PAPER, MAVEN_PRESETS, mavenConfig } from './maven-config';
export type { MavenConfig, Modality } from './maven-config';
export { MavenModel } from './maven-model';
export type { MavenInputs } from './maven-model';
export { mavenRecipe } from './maven-recipe';

/** Builds MAVEN from a preset name (`paper`, `official-code`, `lite`) and overrides. */
export function createMavenModel(preset = 'paper', overrides: Partial<MavenConfig> = {}): MavenModel {
  return new MavenModel(mavenConfig(preset, overrides));
}

export async function saveMavenModel(model: MavenModel, files: ModelFiles): Promise<void> {
  await saveWeights(model, files, { model: 'maven', config: model.config });
}

export function loadMavenModel(files: ModelFiles): MavenModel {
  return loadModel(files, 'maven', (config: MavenConfig) => new MavenModel(config));
}
