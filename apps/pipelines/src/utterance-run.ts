import type { ModelFiles } from '@mer/backend';
import { UTTERANCE_EXTRACTORS } from '@mer/feature-extractors';
import { ClipRun, clipRunProblem, type ClipScore } from './clip-run';
import type { PipelineManifest } from './pipeline-manifest';

/** One utterance scored: its class probabilities (the run's class order), label, and how it was standardised. */
export type UtteranceScore = ClipScore;

/**
 * Why a run cannot score utterances one at a time, or null when it can: a clip classifier
 * ({@link clipRunProblem}) whose every stream is one row per recording from an extractor a page
 * computes from samples (`UTTERANCE_EXTRACTORS` of @mer/feature-extractors). The reason names what the run has.
 */
export function utteranceRunProblem(m: PipelineManifest): string | null {
  const problem = clipRunProblem(m);
  if (problem) return problem;
  const other = m.streams.filter((s) => !(s.extractor in UTTERANCE_EXTRACTORS));
  if (other.length) return `its stream${other.length > 1 ? 's' : ''} ${other.map((s) => `'${s.name}' (${s.extractor})`).join(', ')}: live scoring computes ${Object.keys(UTTERANCE_EXTRACTORS).join(', ')} from an utterance's samples, and nothing else yet`;
  return null;
}

/**
 * A trained utterance-level run (speech-kernel, or any clip classifier on speech functionals) held
 * without a disk: its manifest and its best model's files as bytes. It scores the utterances of one
 * speaker as `mer predict --speaker` scores that speaker's recordings: a per-speaker run standardises
 * each with the statistics of all of them, then the run's own normalisation, network and reading.
 * Each utterance is a one-row clip of a {@link ClipRun}.
 */
export class UtteranceRun {
  private constructor(private readonly clips: ClipRun) {}

  /** @param best the run's `best/` files (model.json and the rest) */
  static load(manifest: PipelineManifest, best: ModelFiles): UtteranceRun {
    const problem = utteranceRunProblem(manifest);
    if (problem) throw new Error(`${manifest.pipeline} run: cannot score utterances live: ${problem}`);
    return new UtteranceRun(ClipRun.load(manifest, best));
  }

  get manifest(): PipelineManifest {
    return this.clips.manifest;
  }

  get classes(): readonly string[] {
    return this.clips.classes;
  }

  /** The streams each utterance gives: name, extractor and width. */
  get streams(): PipelineManifest['streams'] {
    return this.clips.streams;
  }

  /**
   * Scores utterances of one speaker, in order.
   * @param utterances per utterance, each stream's row ([dim]) by stream name
   */
  score(utterances: readonly Record<string, Float32Array>[]): Promise<UtteranceScore[]> {
    const clips = utterances.map((u) => Object.fromEntries(Object.entries(u).map(([name, data]) => [name, { data, frames: 1 }])));
    return this.clips.score(clips, { unit: 'utterance' });
  }

  dispose(): void {
    this.clips.dispose();
  }
}
