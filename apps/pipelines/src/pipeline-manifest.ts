import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '@mer/media';
import type { PipelineExtractorOptions, StreamSpec } from '@mer/feature-extractors';
import type { TrainingConfig } from '@mer/training';
import type { FeatureStats } from './feature-stats';
import type { Selection } from './selection';
import type { StageRecord } from './staged-training';
import type { UtteranceFusionConfig } from './utterance-fusion';
import type { CommitteeRecord } from './committee-record';

/** What `pipeline.json` in a run folder holds. */
export interface PipelineManifest {
  /** The network's registered name. */
  pipeline: string;
  preset: string;
  extractor: PipelineExtractorOptions;
  training: TrainingConfig;
  classes?: readonly string[];
  streams: StreamSpec[];
  model?: Record<string, unknown>;
  /** Per-stream input standardisation from the training set. */
  normalisation?: Record<string, FeatureStats>;
  /** Multi-label classification (each class present or not). */
  multiLabel?: boolean;
  /** A registered task other than the network's own or multi-label (its name). */
  task?: string;
  /** What chose the kept epoch (absent in runs written before it was recorded). */
  selection?: Selection;
  /** A staged run's finished stages in order, each with what it trained and its own selection. */
  stages?: StageRecord[];
  /** A late-fused utterance stream (`utterance-fusion.ts`): its extractor and head. */
  utterance?: UtteranceFusionConfig;
  /** A committee run (`mer train --members M`): its members' folders, seeds and selections. */
  committee?: CommitteeRecord;
}

export function writeManifest(runDir: string, manifest: PipelineManifest): void {
  writeFileAtomic(path.join(runDir, 'pipeline.json'), JSON.stringify(manifest, null, 2));
}

/**
 * Reads a run's `pipeline.json`. Runs written before streams had names (their `modality` was the
 * stream's name) read the same.
 */
export function readManifest(runDir: string): PipelineManifest {
  const file = path.join(runDir, 'pipeline.json');
  if (!fs.existsSync(file)) throw new Error(`${runDir}: not a mer run folder (no pipeline.json)`);
  const m = JSON.parse(fs.readFileSync(file, 'utf8')) as PipelineManifest;
  if (typeof m.pipeline !== 'string' || !Array.isArray(m.streams)) throw new Error(`${file}: not a mer pipeline manifest (no 'pipeline' or 'streams')`);
  m.streams = m.streams.map((s) => (s.name ? s : { ...s, name: s.modality }));
  return m;
}
