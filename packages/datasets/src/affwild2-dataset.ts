import { affWild2FoldSplit, affWild2Items } from './affwild2-protocol';
import type { DatasetDefinition } from './dataset-definition';

/** Aff-Wild2 (ABAW VA track): per-frame valence/arousal of the videos, TCN-fusion's six folds. */
export const affWild2Dataset: DatasetDefinition = {
  name: 'affwild2',
  title: 'Aff-Wild2',
  about: 'Aff-Wild2 / ABAW VA: the videos (or their cropped_aligned faces), _left/_right persons; per-frame valence/arousal, −5 unlabelled',
  labels: 'valence-arousal',
  split: 'the official Train_Set (train) and Validation_Set (validation, optional)',
  read: (root) => affWild2Items(root),
  folds: {
    count: 6,
    about: "1–6, TCN-fusion's protocol",
    split: (items, fold) => {
      const videoOf = new Map(items.map((i) => [i.id, i.speaker ?? i.id]));
      const splits = affWild2FoldSplit(items, (id) => videoOf.get(id) ?? id, fold);
      return items.map((i) => ({ ...i, split: splits.get(i.id) }));
    },
  },
};
