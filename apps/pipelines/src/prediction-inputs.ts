import type { ExtractedItem } from '@mer/feature-extractors';
import type { TrainingConfig } from '@mer/training';
import type { FeatureStats } from './feature-stats';
import type { PredictOptions } from './pipeline-types';
import { standardiseRecording, standardiseWith } from './recording-standardisation';
import { maskUnseenStreams } from './unseen-streams';

/**
 * A recording's streams as the network was trained to see them: standardised per speaker when the run
 * was (with the speaker's statistics when given, else the recording's own), and streams never seen in
 * training masked; each step that applied adds its note.
 */
export function predictionInputs(extracted: ExtractedItem, run: { standardise: TrainingConfig['standardise']; normalisation: Readonly<Record<string, FeatureStats>> }, speaker?: PredictOptions['speaker']): ExtractedItem {
  let item = extracted;
  if (run.standardise === 'speaker') {
    const own = speaker ? { streams: standardiseWith(extracted.streams, speaker.stats), note: `standardised with the statistics of ${speaker.by}` } : standardiseRecording(extracted.streams);
    item = { ...extracted, streams: own.streams, notes: [...extracted.notes, own.note] };
  }
  const seen = maskUnseenStreams(item.streams, run.normalisation);
  return seen.note ? { ...item, streams: seen.streams, notes: [...item.notes, seen.note] } : item;
}
