import { BUILT_IN_DATASETS } from './built-in-datasets';
import type { DatasetDefinition, DatasetItem, DatasetRead, DatasetReadOptions } from './dataset-definition';

const datasets = new Map<string, DatasetDefinition>();

/**
 * Registers a dataset under its name (a later registration of the name replaces it): `mer extract
 * --dataset <name>:<root>` reads it, `mer datasets` lists it. A definition reads from media (`read`)
 * or writes precomputed features (`precomputed`), one of the two.
 */
export function registerDataset(definition: DatasetDefinition): void {
  const { name } = definition;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`dataset name '${name}': use lower-case letters, digits and '-'`);
  if (!definition.read === !definition.precomputed) throw new Error(`dataset '${name}': give either read (items from media) or precomputed (features written from files), not ${definition.read ? 'both' : 'neither'}`);
  if (definition.folds && !(Number.isInteger(definition.folds.count) && definition.folds.count >= 1)) throw new Error(`dataset '${name}': folds.count must be a whole number ≥ 1, got ${definition.folds.count}`);
  datasets.set(name, definition);
}

/** Every registered dataset, in registration order. */
export function listDatasets(): DatasetDefinition[] {
  return [...datasets.values()];
}

/** The registered dataset called `name`, or undefined. */
export function findDataset(name: string): DatasetDefinition | undefined {
  return datasets.get(name);
}

/** The registered dataset called `name`, or an error listing the registered ones. */
export function getDataset(name: string): DatasetDefinition {
  const d = datasets.get(name);
  if (!d) throw new Error(`unknown dataset '${name}' (registered: ${[...datasets.keys()].join(', ')})`);
  return d;
}

/** The `<name>` of a `<name>:<root>` spec (a features folder's `dataset`). */
export function datasetName(spec: string): string {
  const i = spec.indexOf(':');
  return i < 0 ? spec : spec.slice(0, i);
}

/** Parses `<name>:<root>` as the CLI takes it, the name a registered dataset. */
export function parseDatasetSpec(spec: string): { definition: DatasetDefinition; root: string } {
  const definition = datasets.get(datasetName(spec));
  if (!definition || !spec.includes(':')) {
    throw new Error(`--dataset '${spec}': expected <kind>:<root> with kind one of ${[...datasets.keys()].join(', ')}, e.g. ravdess:/data/RAVDESS (mer datasets lists them)`);
  }
  return { definition, root: spec.slice(spec.indexOf(':') + 1) };
}

const joinAnd = (parts: string[]) => (parts.length < 2 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`);

/**
 * The items re-split by the dataset's official fold `fold`; an error naming the datasets that have
 * folds when this one has none (`where`: what holds the items, for the message).
 */
export function foldSplit<T extends Pick<DatasetItem, 'id' | 'file' | 'split' | 'speaker'>>(definition: DatasetDefinition | undefined, items: readonly T[], fold: number, where: string): T[] {
  if (definition?.folds) return definition.folds.split(items, fold);
  const withFolds = listDatasets().flatMap((d) => (d.folds ? [`${d.title} (${d.folds.about})`] : []));
  throw new Error(`--fold: folds are defined for ${joinAnd(withFolds)}; ${where} — use --split at extraction, or mer cv`);
}

/**
 * A dataset's items under `root`, each with its split (fold `fold`'s when given) and labels, its
 * classes and the reader's notes. No item is an error; so is a dataset whose features are precomputed.
 */
export function readDataset(definition: DatasetDefinition, root: string, options: DatasetReadOptions & { fold?: number } = {}): DatasetRead & { notes: string[] } {
  if (!definition.read) throw new Error(`${definition.name}: ${definition.precomputed?.about ?? 'no reader'}`);
  const read = definition.read(root, options);
  if (read.items.length === 0) throw new Error(`${root}: no ${definition.name} items found`);
  const items = options.fold === undefined ? read.items : foldSplit(definition, read.items, options.fold, `${root} is ${definition.name}`);
  return { items, classes: read.classes ?? definition.classes, notes: read.notes ?? [] };
}

for (const d of BUILT_IN_DATASETS) registerDataset(d);
