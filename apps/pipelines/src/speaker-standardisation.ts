import { FeatureSource, GroupStandardisedSource, SequenceStats, sequenceStats, standardiseFrames } from '@mer/datasets';
import type { ExtractedStream } from '@mer/feature-extractors';
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

/**
 * One recording's streams for a network trained per speaker, when no other recording of its speaker
 * is at hand (`predict` on a raw file): the recording stands for its speaker and is standardised with
 * its own statistics. The note says so: a short clip's own statistics estimate its speaker's poorly.
 */
export function standardiseRecording(streams: Record<string, ExtractedStream>): { streams: Record<string, ExtractedStream>; note: string } {
  return {
    streams: standardiseWith(streams, speakerStats([streams])),
    note: 'standardised with this recording\'s own statistics: the network was trained with each speaker standardised by their recordings, and this file stands for its speaker (a short clip estimates them poorly)',
  };
}

/**
 * Recordings of one speaker for a network trained per speaker (`predict` on several files of a
 * speaker): each standardised with the statistics of all of them — the rule `evaluate` applies to a
 * split's items of one speaker, so predicting a split's files reproduces its evaluation.
 */
export function speakerStats(recordings: readonly Record<string, ExtractedStream>[]): Record<string, SequenceStats> {
  // Pixel streams (face crops) are images, never standardised per dimension.
  const names = Object.entries(recordings[0] ?? {}).filter(([, s]) => s.values !== 'pixels').map(([m]) => m);
  return Object.fromEntries(names.map((m) => [m, sequenceStats(recordings.map((r) => r[m]))]));
}

/** One recording's streams standardised with given statistics (a speaker's). */
export function standardiseWith(streams: Record<string, ExtractedStream>, stats: Record<string, SequenceStats>): Record<string, ExtractedStream> {
  const out: Record<string, ExtractedStream> = {};
  for (const [m, s] of Object.entries(streams)) out[m] = stats[m] ? { ...s, data: standardiseFrames(s.data, s.dim, stats[m]) } : s;
  return out;
}
