import type { NetworkRecipe } from './network-recipe';

const recipes = new Map<string, NetworkRecipe>();

/** Makes a network available to pipelines and the CLI by its name. Registering a name again replaces it. */
export function registerNetwork(recipe: NetworkRecipe): void {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(recipe.name)) throw new Error(`network name '${recipe.name}': use lower-case letters, digits and '-'`);
  if (!recipe.training?.paper) throw new Error(`network '${recipe.name}': the recipe needs a 'paper' training profile`);
  if (recipe.defaultProfile && !recipe.training[recipe.defaultProfile]) throw new Error(`network '${recipe.name}': default profile '${recipe.defaultProfile}' is not among its training profiles (${Object.keys(recipe.training).join(', ')})`);
  for (const d of recipe.streams) {
    const unknown = Object.keys(d.presetExtractors ?? {}).filter((p) => !recipe.presets.includes(p));
    if (unknown.length > 0) throw new Error(`network '${recipe.name}': stream '${d.name}' names an extractor for preset ${unknown.map((p) => `'${p}'`).join(', ')}, not among its presets (${recipe.presets.join(', ')})`);
  }
  if (!recipe.presets.includes(recipe.defaultPreset)) throw new Error(`network '${recipe.name}': default preset '${recipe.defaultPreset}' is not among its presets (${recipe.presets.join(', ')})`);
  recipes.set(recipe.name, recipe);
}

/** The registered recipe called `name`, or an error listing the registered ones. */
export function networkRecipe(name: string): NetworkRecipe {
  const r = recipes.get(name);
  if (!r) throw new Error(`unknown network '${name}' (registered: ${networkNames().join(', ')})`);
  return r;
}

/** Names of the registered networks, in registration order. */
export function networkNames(): string[] {
  return [...recipes.keys()];
}

/** Every registered recipe, in registration order. */
export function networkRecipes(): NetworkRecipe[] {
  return [...recipes.values()];
}
