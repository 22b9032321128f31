import { DatasetDefinition, registerDataset } from '@mer/pipelines';
import { modulesFromEnv, registerExports } from './module-exports';

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
  return registerExports(specs, '--dataset-module', isDatasetDefinition, (d) => (registerDataset(d), d.name));
}

export function datasetModulesFromEnv(): string[] {
  return modulesFromEnv('MER_DATASET_MODULES');
}
