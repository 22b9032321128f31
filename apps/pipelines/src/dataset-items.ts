import { createRng } from '@mer/backend';
import { parseDatasetSpec, readDataset } from '@mer/datasets';
import type { PipelineItem } from './pipeline-types';
import './mosei-dataset';

export interface DatasetItems {
  /** The registered dataset's name. */
  kind: string;
  root: string;
  /** Class names for classification datasets. */
  classes?: readonly string[];
  items: PipelineItem[];
  /** What the reader noticed and did not stop for (missing optional splits, unlabelled items). */
  notes: string[];
}

/**
 * Stratified seeded split of classification items: a `testFraction` of each class goes to 'test'
 * (at least one per class with ≥ 2 items), the rest to 'train'.
 */
export function stratifiedSplit(items: PipelineItem[], testFraction: number, seed = 7): PipelineItem[] {
  if (!(testFraction > 0 && testFraction < 1)) throw new Error(`test fraction must be in (0, 1), got ${testFraction}`);
  const rng = createRng(seed);
  const byClass = new Map<number, PipelineItem[]>();
  for (const it of items) byClass.set(it.classLabel ?? -1, [...(byClass.get(it.classLabel ?? -1) ?? []), it]);
  const out: PipelineItem[] = [];
  for (const group of byClass.values()) {
    const order = rng.permutation(group.length);
    const nTest = group.length < 2 ? 0 : Math.max(1, Math.round(group.length * testFraction));
    order.forEach((k, r) => out.push({ ...group[k], split: r < nTest ? 'test' : 'train' }));
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * The items of a registered dataset (`<name>:<root>`, see `registerDataset`) with labels and a split:
 * the dataset's own, its official fold `fold`, or with `split: 'random:<fraction>'` / `'speaker:<ids>'`
 * one that replaces it. `audioOnly` reads the audio files where a dataset has both.
 */
export function datasetItems(spec: string, options: { fold?: number; split?: string; audioOnly?: boolean; seed?: number } = {}): DatasetItems {
  const { definition, root } = parseDatasetSpec(spec);
  const read = readDataset(definition, root, { fold: options.fold, audioOnly: options.audioOnly });
  const items = options.split ? resplit(read.items, options.split, options.seed) : read.items;
  return { kind: definition.name, root, classes: read.classes, items, notes: read.notes };
}

/**
 * Replaces the dataset's own split: `random:<fraction>` (stratified, seeded) or `speaker:<ids>`
 * (those speakers/actors are 'test', the rest 'train': speaker-independent).
 */
export function resplit(items: PipelineItem[], how: string, seed?: number): PipelineItem[] {
  if (how.startsWith('random:')) return stratifiedSplit(items, Number(how.slice(7)), seed);
  if (how.startsWith('speaker:')) {
    const held = new Set(how.slice(8).split(',').map((s) => s.trim()).filter((s) => s !== ''));
    const known = new Set(items.map((i) => i.speaker).filter((s): s is string => s !== undefined));
    if (known.size === 0) throw new Error(`--split ${how}: this dataset's items name no speakers`);
    const unknown = [...held].filter((s) => !known.has(s));
    if (held.size === 0 || unknown.length > 0) throw new Error(`--split ${how}: unknown speaker(s) ${unknown.join(', ') || '(none given)'}; the dataset has ${[...known].sort().join(', ')}`);
    return items.map((i) => ({ ...i, split: held.has(i.speaker ?? '') ? 'test' : 'train' }));
  }
  throw new Error(`--split '${how}': expected random:<fraction> or speaker:<id,id,…>`);
}
