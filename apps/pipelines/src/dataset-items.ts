import { createRng } from '@mer/backend';
import {
  CREMA_D_EMOTIONS,
  EMODB_EMOTIONS,
  RAVDESS_EMOTIONS,
  ravdessAvtCaSplit,
  ravdessFoldSplit,
  readCremaD,
  readEmoDb,
  readRavdess,
} from '@mer/datasets';
import { affWild2Items } from './affwild2-items';
import type { PipelineItem } from './pipeline-types';

export const DATASET_KINDS = ['affwild2', 'ravdess', 'crema-d', 'emodb'] as const;
export type DatasetKind = (typeof DATASET_KINDS)[number];

export interface DatasetItems {
  kind: DatasetKind;
  root: string;
  /** Class names for classification datasets. */
  classes?: readonly string[];
  items: PipelineItem[];
  /** What the reader noticed and did not stop for (missing optional splits, unlabelled items). */
  notes: string[];
}

/** Parses `<kind>:<root>` as the CLI takes it. */
export function parseDatasetSpec(spec: string): { kind: DatasetKind; root: string } {
  const i = spec.indexOf(':');
  const kind = (i < 0 ? spec : spec.slice(0, i)) as DatasetKind;
  if (kind === ('cmu-mosei' as DatasetKind)) {
    throw new Error('cmu-mosei: its features come from the CMU-MultimodalSDK computational sequences, not from media — use extractMosei() (mer extract --dataset cmu-mosei:<folder of .csd files>)');
  }
  if (!DATASET_KINDS.includes(kind) || i < 0) throw new Error(`--dataset '${spec}': expected <kind>:<root> with kind one of ${DATASET_KINDS.join(', ')}, e.g. ravdess:/data/RAVDESS`);
  return { kind, root: spec.slice(i + 1) };
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
 * The items of a dataset with labels and a split: Aff-Wild2 train/validation (per-frame VA; `fold`
 * 1–6: TCN-fusion's six folds),
 * RAVDESS audio-video files (AVT-CA split, or speaker fold `fold` 1–6), CREMA-D (videos, or the wavs
 * when `audioOnly`; broken files skipped), EmoDB wavs. `split: 'random:<fraction>'` replaces the
 * dataset's own split with a stratified random one.
 */
export function datasetItems(spec: string, options: { fold?: number; split?: string; audioOnly?: boolean; seed?: number } = {}): DatasetItems {
  const { kind, root } = parseDatasetSpec(spec);
  let items: PipelineItem[];
  let classes: readonly string[] | undefined;
  let notes: string[] = [];
  if (kind === 'affwild2') {
    ({ items, notes } = affWild2Items(root, options.fold));
  } else if (kind === 'ravdess') {
    classes = RAVDESS_EMOTIONS;
    items = readRavdess({ root, modality: options.audioOnly ? 'audio-only' : 'audio-video' }).map((it) => ({
      id: it.id,
      file: it.file,
      classLabel: it.emotion,
      speaker: String(it.actor).padStart(2, '0'),
      split: options.fold ? ravdessFoldSplit(it.actor, options.fold) : ravdessAvtCaSplit(it.actor),
    }));
  } else if (kind === 'crema-d') {
    classes = CREMA_D_EMOTIONS;
    items = readCremaD({ root })
      .filter((it) => !it.broken && (options.audioOnly ? it.audioFile : it.videoFile ?? it.audioFile))
      .map((it) => ({
        id: it.id,
        file: (options.audioOnly ? it.audioFile : it.videoFile ?? it.audioFile)!,
        classLabel: it.emotion,
        speaker: String(it.actor),
        split: it.actor <= 1073 ? 'train' : it.actor <= 1082 ? 'validation' : 'test',
      }));
  } else {
    classes = EMODB_EMOTIONS;
    items = readEmoDb({ root }).map((it) => ({ id: it.id, file: it.file, classLabel: it.emotion, speaker: it.speaker, split: 'train' }));
  }
  if (items.length === 0) throw new Error(`${root}: no ${kind} items found`);
  if (options.split) items = resplit(items, options.split, options.seed);
  return { kind, root, classes, items, notes };
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
