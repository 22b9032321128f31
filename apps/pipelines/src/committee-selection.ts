import type { PipelineItem } from './pipeline-types';
import { innerValidationSplit, Selection } from './selection';

/**
 * Committee member `member`'s (0-based) split of the training items into train and inner validation:
 * member 0 holds out what a single run holds out (`innerValidationSplit`, seed 1); each later member
 * (seed 1 + k) prefers speakers no earlier member held out, starting the rotation again once every
 * speaker has been held out. Items that name no speakers: each member's seed draws its own stratified
 * items. Deterministic; reads nothing but the training items.
 */
export function memberValidationSplit(items: readonly PipelineItem[], member: number): { train: PipelineItem[]; validation: PipelineItem[]; selection: Selection } {
  if (!Number.isInteger(member) || member < 0) throw new Error(`committee member index must be a whole number ≥ 0, got ${member}`);
  const speakers = new Set(items.map((i) => i.speaker));
  let avoid: string[] = [];
  let split = innerValidationSplit(items, { seed: 1 });
  for (let k = 1; k <= member; k++) {
    avoid = [...avoid, ...(split.selection.speakers ?? [])];
    // Every speaker has been held out: the rotation starts again (a last fresh speaker is held out first).
    if ([...speakers].filter((s) => s === undefined || !avoid.includes(s)).length === 0) avoid = [];
    split = innerValidationSplit(items, { seed: 1 + k, avoid });
  }
  return split;
}
