import { NetworkRecipe, parseModelOverrides, parseTrainingOverrides, TrainingConfig } from '@mer/training';

/** A recipe's training profile (default: the recipe's default, else `paper`) with overrides on top. */
export function trainingConfig(recipe: NetworkRecipe, overrides: Partial<TrainingConfig> = {}, profile = recipe.defaultProfile ?? 'paper'): TrainingConfig {
  const base = recipe.training[profile];
  if (!base) throw new Error(`${recipe.name}: no training profile '${profile}' (${Object.keys(recipe.training).join(', ')})`);
  return { ...base, ...parseTrainingOverrides(overrides, `${recipe.name}: training options`) };
}

/** Model overrides checked against the preset's own config (unknown keys, wrong types), when the recipe gives it. */
export function modelOverrides(recipe: NetworkRecipe, preset: string, overrides: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!overrides || !recipe.presetConfig) return overrides;
  if (!recipe.presets.includes(preset)) throw new Error(`${recipe.name}: no preset '${preset}' (${recipe.presets.join(', ')})`);
  return parseModelOverrides(overrides, recipe.presetConfig(preset) as Record<string, unknown>, `${recipe.name}: model overrides for preset '${preset}'`);
}
