import { createRng } from '@mer/backend';
import type { PipelineItem } from './pipeline-types';

/**
 * What chooses the kept epoch (and early stopping, plateau schedules): never the test split unless
 * asked for by name.
 * - `auto` (default): the features' validation split, else an inner validation split carved out of
 *   the training items (by speaker when they name speakers, else stratified by class).
 * - `last`: nothing is selected; the configured epochs run and the last is kept.
 * - `test`: the test split selects — optimistic; every figure on that split says so.
 */
export type SelectOn = 'auto' | 'last' | 'test';

/** What selected, as `mer train` prints it and `pipeline.json` records it. */
export interface Selection {
  on: 'validation split' | 'inner validation by speaker' | 'inner validation, stratified by class' | 'inner validation, random' | 'last epoch' | 'test split';
  /** The items that selected (0 for 'last epoch'). */
  items: number;
  /** Their speakers, where they name them. */
  speakers?: string[];
  /** The score that selects (the task's selection metric). */
  metric?: string;
  bestEpoch?: number;
  epochs?: number;
  /** True when the test split chose: figures on it are optimistic, not held-out. */
  optimistic?: boolean;
}

/** The fraction of training items an inner validation split takes. */
export const INNER_VALIDATION_FRACTION = 0.15;

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const rng = createRng(seed);
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/**
 * Splits training items into train and inner validation. Items that all name a speaker (at least two
 * speakers): whole speakers are held out, about `fraction` of the items, chosen among seeded
 * candidate sets for the widest class coverage (then the size nearest the fraction). Otherwise
 * `fraction` of each class (at least one of any class with two or more items), or of all items when
 * there are no classes. Deterministic for a seed; never reads anything but the training items.
 * `avoid`: speakers held out as rarely as the candidates allow (a committee's earlier members'); none
 * by default, which leaves the split exactly as without it.
 */
export function innerValidationSplit(items: readonly PipelineItem[], options: { fraction?: number; seed?: number; avoid?: readonly string[] } = {}): { train: PipelineItem[]; validation: PipelineItem[]; selection: Selection } {
  const fraction = options.fraction ?? INNER_VALIDATION_FRACTION;
  const seed = options.seed ?? 1;
  const sorted = [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const speakers = [...new Set(sorted.map((i) => i.speaker))];
  const classOf = (i: PipelineItem) => i.classLabel;
  if (speakers.length >= 2 && !speakers.includes(undefined)) {
    const count = new Map<string, number>();
    for (const i of sorted) count.set(i.speaker!, (count.get(i.speaker!) ?? 0) + 1);
    const classes = new Set(sorted.map(classOf));
    // Speakers to `avoid` (a committee's earlier members held them out) come last and weigh against a set.
    const avoid = new Set(options.avoid ?? []);
    const fresh = (speakers as string[]).filter((s) => !avoid.has(s));
    let best: { held: string[]; overlap: number; cover: number; gap: number } | null = null;
    for (let c = 0; c < 32; c++) {
      const order = [...shuffled(fresh, seed * 7_919 + c), ...(avoid.size > 0 ? shuffled([...avoid].filter((s) => speakers.includes(s)), seed * 7_919 + c + 1_000) : [])];
      const held: string[] = [];
      let n = 0;
      for (const s of order) {
        if (held.length === order.length - 1 || n >= fraction * sorted.length) break;
        held.push(s);
        n += count.get(s)!;
      }
      const heldItems = sorted.filter((i) => held.includes(i.speaker!));
      const trainClasses = new Set(sorted.filter((i) => !held.includes(i.speaker!)).map(classOf));
      const cover = new Set(heldItems.map(classOf)).size + (trainClasses.size === classes.size ? classes.size : 0);
      const gap = Math.abs(n / sorted.length - fraction);
      const overlap = held.filter((s) => avoid.has(s)).length;
      if (!best || overlap < best.overlap || (overlap === best.overlap && (cover > best.cover || (cover === best.cover && gap < best.gap)))) best = { held: held.sort(), overlap, cover, gap };
    }
    const held = new Set(best!.held);
    const validation = sorted.filter((i) => held.has(i.speaker!));
    return { train: sorted.filter((i) => !held.has(i.speaker!)), validation, selection: { on: 'inner validation by speaker', items: validation.length, speakers: best!.held } };
  }
  const hasClasses = sorted.every((i) => i.classLabel !== undefined);
  const groups = new Map<number, PipelineItem[]>();
  for (const i of sorted) {
    const k = hasClasses ? i.classLabel! : 0;
    groups.set(k, [...(groups.get(k) ?? []), i]);
  }
  const held = new Set<string>();
  for (const [k, g] of [...groups].sort((a, b) => a[0] - b[0])) {
    if (g.length < 2) continue;
    const take = Math.min(g.length - 1, Math.max(1, Math.round(fraction * g.length)));
    for (const i of shuffled(g, seed * 104_729 + k).slice(0, take)) held.add(i.id);
  }
  const validation = sorted.filter((i) => held.has(i.id));
  return {
    train: sorted.filter((i) => !held.has(i.id)),
    validation,
    selection: { on: hasClasses ? 'inner validation, stratified by class' : 'inner validation, random', items: validation.length },
  };
}

/** `selection: inner validation by speaker (03, 10; 61 items), metric macro-F1, best epoch 37 of 40`. */
export function selectionLine(s: Selection): string {
  const who = s.items > 0 ? ` (${s.speakers?.length ? `${s.speakers.join(', ')}; ` : ''}${s.items} items)` : '';
  const metric = s.metric && s.on !== 'last epoch' ? `, metric ${s.metric}` : '';
  const best = s.bestEpoch !== undefined ? `, ${s.on === 'last epoch' ? 'kept epoch' : 'best epoch'} ${s.bestEpoch}${s.epochs !== undefined ? ` of ${s.epochs}` : ''}` : '';
  const warn = s.optimistic ? ' — OPTIMISTIC: the test split chose; its figures are not held-out' : '';
  return `selection: ${s.on}${who}${metric}${best}${warn}`;
}

/** How a figure on `split` of a run may be called: held-out, or optimistic when that split chose. */
export function figureKind(selection: Selection | undefined, split: string): 'held-out' | 'optimistic' | 'unknown' {
  if (!selection) return 'unknown';
  if (selection.optimistic && split === 'test') return 'optimistic';
  return split === 'train' || (selection.on === 'validation split' && split === 'validation') ? 'optimistic' : 'held-out';
}
