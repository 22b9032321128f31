import { FeatureSource, GroupStandardisedSource } from '@mer/datasets';
import type { TrainingConfig } from '@mer/training';
import type { PipelineItem } from './pipeline-types';
import { standardisationGroup } from './speed-copies';

/**
 * Per speaker where the items name their speakers; when none does (a user's own clips), the training
 * split's statistics instead, and a note that says so — recorded in the run as "split".
 */
export function resolveStandardisation(mode: TrainingConfig['standardise'], items: readonly PipelineItem[]): { mode: TrainingConfig['standardise']; note?: string } {
  if (mode !== 'speaker' || items.some((i) => i.speaker !== undefined && i.speaker !== '')) return { mode };
  return { mode: 'split', note: 'no item names its speaker: inputs are standardised with the training split\'s statistics ("standardise": "split") instead of per speaker' };
}

/**
 * The stores as a network trained with `standardise` reads them: unchanged ('split', the default: the
 * model's own standardisation from the training split does it all), or each item's frames
 * standardised with its speaker's statistics ('speaker'; every item must name its speaker).
 */
export function standardisedSources(stores: Record<string, FeatureSource>, items: readonly PipelineItem[], mode: TrainingConfig['standardise']): Record<string, FeatureSource> {
  if (mode !== undefined && mode !== 'split' && mode !== 'speaker') throw new Error(`training "standardise": '${String(mode)}' is not 'split' or 'speaker'`);
  if (mode !== 'speaker') return stores;
  const groups = new Map<string, string>();
  for (const i of items) {
    if (i.speaker === undefined || i.speaker === '') {
      throw new Error(`${i.file}: item '${i.id}' names no speaker, and this run standardises per speaker (training "standardise": "speaker"); give the dataset's speakers, or train with "standardise": "split"`);
    }
    groups.set(i.id, standardisationGroup(i)!);
  }
  return Object.fromEntries(Object.entries(stores).map(([m, s]) => [m, new GroupStandardisedSource(s, groups)]));
}
