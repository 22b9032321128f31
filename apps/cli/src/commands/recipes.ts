import * as fs from 'node:fs';
import * as path from 'node:path';
import { NetworkRecipe, registerNetwork } from '@mer/pipelines';

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
  const names: string[] = [];
  for (const spec of specs) {
    const file = path.resolve(spec);
    if (!fs.existsSync(file)) throw new Error(`--recipe ${spec}: file not found`);
    const mod = require(file) as Record<string, unknown>;
    for (const value of Object.values(mod)) {
      if (isRecipe(value)) {
        registerNetwork(value);
        names.push(value.name);
      }
    }
  }
  return names;
}

export function recipeModulesFromEnv(): string[] {
  return (process.env['MER_RECIPES'] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}
