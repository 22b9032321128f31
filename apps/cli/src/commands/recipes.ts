import { NetworkRecipe, registerNetwork } from '@mer/pipelines';
import { modulesFromEnv, registerExports } from './module-exports';

function isRecipe(x: unknown): x is NetworkRecipe {
  const r = x as Partial<NetworkRecipe> | null;
  return typeof r === 'object' && r !== null && typeof r.name === 'string' && Array.isArray(r.streams) && typeof r.build === 'function' && typeof r.load === 'function';
}

/**
 * Loads the user's network modules (`--recipe <module>`, repeatable, and the comma-separated
 * `MER_RECIPES`): every exported recipe is registered, and a module may also call `registerNetwork`
 * itself. @returns the names registered from exports
 */
export function loadRecipeModules(specs: readonly string[]): string[] {
  return registerExports(specs, '--recipe', isRecipe, (r) => (registerNetwork(r), r.name));
}

export function recipeModulesFromEnv(): string[] {
  return modulesFromEnv('MER_RECIPES');
}
