import { SequenceStats, sequenceStats, standardiseFrames } from '@mer/datasets';
import type { ExtractedStream } from '@mer/feature-extractors';

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
