import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExtractedItem } from '@mer/feature-extractors';
import type { Pipeline } from './pipeline';
import type { PredictOptions } from './pipeline-types';
import { speakerStats } from './recording-standardisation';
import { readFeatureIndex, recordedSpeaker } from './workflow';

/** How `predict` standardises each file of a per-speaker run, decided over all the files at once. */
export interface SpeakerPlan {
  /** Files extracted in the first pass (their features, reused by `predict`). */
  extracted: Map<string, ExtractedItem>;
  /** Files that failed to extract, and why. */
  failed: Map<string, string>;
  /** The speaker statistics each file takes; absent: the file stands alone (its own statistics). */
  speaker: Map<string, NonNullable<PredictOptions['speaker']>>;
  /** One line per file for the summary's `standardised` column. */
  how: Map<string, string>;
}

/** The dataset the run was trained on (from its features folder), for reading speakers from file names. */
function runDataset(run: string): string | undefined {
  const source = path.join(run, 'source.json');
  if (!fs.existsSync(source)) return undefined;
  try {
    return readFeatureIndex((JSON.parse(fs.readFileSync(source, 'utf8')) as { features: string }).features).dataset;
  } catch {
    return undefined;
  }
}

/**
 * For a network trained per speaker: the one rule `evaluate` and `predict` share — a file is
 * standardised with the statistics of all the given files of its speaker. The speaker is `speaker`
 * when given (every file is that person), else read from the file name by the run's dataset
 * (EmoDB, RAVDESS, CREMA-D). A file whose speaker is unknown stands alone, and its `how` says so.
 */
export async function planSpeakers(p: Pipeline, run: string, files: readonly string[], speaker?: string): Promise<SpeakerPlan> {
  const plan: SpeakerPlan = { extracted: new Map(), failed: new Map(), speaker: new Map(), how: new Map() };
  const dataset = speaker === undefined ? runDataset(run) : undefined;
  const groups = new Map<string, string[]>();
  for (const file of files) {
    try {
      plan.extracted.set(file, await p.extractRecording(file));
    } catch (e) {
      plan.failed.set(file, (e as Error).message);
      continue;
    }
    const who = speaker ?? (dataset ? recordedSpeaker(dataset, { file }) : undefined);
    if (who === undefined) {
      plan.how.set(file, 'this recording alone (speaker unknown: less reliable; give --speaker)');
      continue;
    }
    groups.set(who, [...(groups.get(who) ?? []), file]);
  }
  for (const [who, members] of groups) {
    const stats = speakerStats(members.map((f) => plan.extracted.get(f)!.streams));
    const by = `speaker ${who} (${members.length} file${members.length > 1 ? 's' : ''})`;
    for (const f of members) {
      plan.speaker.set(f, { stats, by });
      plan.how.set(f, members.length > 1 ? by : `${by}: one file stands for the speaker (less reliable)`);
    }
  }
  return plan;
}
