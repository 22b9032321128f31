import * as fs from 'node:fs';
import * as path from 'node:path';

/** The module paths of a comma-separated environment variable (MER_RECIPES, MER_DATASET_MODULES, MER_EXTRACTORS). */
export function modulesFromEnv(variable: string): string[] {
  return (process.env[variable] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * Requires each module (CommonJS) and registers every export that `is` accepts; a module may also
 * register itself. `flag` names the option in errors. @returns the names registered from exports
 */
export function registerExports<T>(specs: readonly string[], flag: string, is: (x: unknown) => x is T, register: (value: T) => string): string[] {
  const names: string[] = [];
  for (const spec of specs) {
    const file = path.resolve(spec);
    if (!fs.existsSync(file)) throw new Error(`${flag} ${spec}: file not found`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(file) as Record<string, unknown>;
    for (const value of Object.values(mod)) if (is(value)) names.push(register(value));
  }
  return names;
}
