import type { Selection } from './selection';

/** One trained member of a committee, as pipeline.json's `committee` records it. */
export interface CommitteeMember {
  /** 1-based. */
  member: number;
  /** Its run folder, relative to the committee's (`members/<k>`). */
  run: string;
  /** Its training seed (the run's seed + k − 1: initial weights, batches, dropout). */
  seed: number;
  /** What selected its kept epoch (its inner validation speakers). */
  selection: Selection;
  epochs: number;
  bestEpoch?: number;
  innerScore?: number;
}

/** A committee run (`mer train --members M`): M networks whose mean output is the prediction. */
export interface CommitteeRecord {
  members: number;
  /** How outputs combine: class probabilities (softmax or sigmoid) or valence/arousal averaged. */
  combine: 'mean probabilities' | 'mean valence/arousal';
  /** The members trained so far, in order. */
  trained: CommitteeMember[];
}

/** `committee of 3, each selected on inner validation by speaker: 1 (03; 58 items, best epoch 12 of 30), 2 (…)`. */
export function committeeLine(c: CommitteeRecord): string {
  const ons = [...new Set(c.trained.map((m) => m.selection.on))];
  const each = c.trained
    .map((m) => {
      const s = m.selection;
      const who = s.items > 0 ? `${s.speakers?.length ? `${s.speakers.join(', ')}; ` : ''}${s.items} items, ` : '';
      return `${m.member} (${who}${s.on === 'last epoch' ? 'kept' : 'best'} epoch ${m.bestEpoch ?? m.epochs} of ${m.epochs})`;
    })
    .join(', ');
  const metric = c.trained[0]?.selection.metric && ons[0] !== 'last epoch' ? `, metric ${c.trained[0].selection.metric}` : '';
  const warn = c.trained.some((m) => m.selection.optimistic) ? ' — OPTIMISTIC: the test split chose; its figures are not held-out' : '';
  return `committee of ${c.members} (${c.combine}), each selected on ${ons.join(' / ')}${metric}: ${each}${warn}`;
}
