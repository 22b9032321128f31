import type { NetworkRecipe, TrainingConfig } from '@mer/training';

/** A recipe's training profile (default: the recipe's default, else `paper`) with overrides on top. */
export function trainingConfig(recipe: NetworkRecipe, overrides: Partial<TrainingConfig> = {}, profile = recipe.defaultProfile ?? 'paper'): TrainingConfig {
  const base = recipe.training[profile];
  if (!base) throw new Error(`${recipe.name}: no training profile '${profile}' (${Object.keys(recipe.training).join(', ')})`);
  return { ...base, ...overrides };
}
