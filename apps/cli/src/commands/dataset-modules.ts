import * as fs from 'node:fs';
import * as path from 'node:path';
import { DatasetDefinition, registerDataset } from '@mer/pipelines';

function isDatasetDefinition(x: unknown): x is DatasetDefinition {
  const d = x as Partial<DatasetDefinition> | null;
  return typeof d === 'object' && d !== null && typeof d.name === 'string' && typeof d.about === 'string' && (typeof d.read === 'function' || typeof d.precomputed === 'object');
}

/**
 * Loads the user's dataset modules (`--dataset-module <module>`, repeatable, and the comma-separated
 * `MER_DATASET_MODULES`): every exported dataset definition is registered, and a module may also call
 * `registerDataset` itself. @returns the names registered from exports
 */
export function loadDatasetModules(specs: readonly string[]): string[] {
  const names: string[] = [];
  for (const spec of specs) {
    const file = path.resolve(spec);
    if (!fs.existsSync(file)) throw new Error(`--dataset-module ${spec}: file not found`);
    const mod = require(file) as Record<string, unknown>;
    for (const value of Object.values(mod)) {
      if (isDatasetDefinition(value)) {
        registerDataset(value);
        names.push(value.name);
      }
    }
  }
  return names;
}

export function datasetModulesFromEnv(): string[] {
  return (process.env['MER_DATASET_MODULES'] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}
