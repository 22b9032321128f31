import type { ModelFiles } from '@mer/backend';
import { networkRecipe } from '@mer/training';
import { type ExtractedItem, type ExtractedStream, UTTERANCE_EXTRACTORS } from '@mer/feature-extractors';
import type { PipelineManifest } from './pipeline-manifest';
import { PipelineModel } from './pipeline-model';
import { predictionInputs } from './prediction-inputs';
import { speakerStats } from './recording-standardisation';
import { classifyClip } from './tasks/clip-scores';
import { taskFor } from './tasks/task-registry';

/** One utterance scored: its class probabilities (the run's class order), label, and how it was standardised. */
export interface UtteranceScore {
  probabilities: number[];
  label: string;
  notes: string[];
}

/**
 * Why a run cannot score utterances one at a time, or null when it can: a clip classifier whose every
 * stream is one row per recording from an extractor a page computes from samples (`UTTERANCE_EXTRACTORS`
 * of @mer/feature-extractors), not a committee,
 * without a late-fused stream. The reason names what the run has.
 */
export function utteranceRunProblem(m: PipelineManifest): string | null {
  if (m.committee) return `a committee run (${m.committee.members} members): live scoring takes a single run (one of its members/<k> folders)`;
  if (m.utterance) return 'a run with a late-fused utterance stream (--utterance): its network also reads per-frame streams';
  const task = taskFor(networkRecipe(m.pipeline), m);
  if (!task.clip) return `a '${task.name}' run (${m.pipeline}): live scoring takes clip classifiers`;
  const other = m.streams.filter((s) => !(s.extractor in UTTERANCE_EXTRACTORS));
  if (other.length) return `its stream${other.length > 1 ? 's' : ''} ${other.map((s) => `'${s.name}' (${s.extractor})`).join(', ')}: live scoring computes ${Object.keys(UTTERANCE_EXTRACTORS).join(', ')} from an utterance's samples, and nothing else yet`;
  return null;
}

/**
 * A trained utterance-level run (speech-kernel, or any clip classifier on speech functionals) held
 * without a disk: its manifest and its best model's files as bytes. It scores the utterances of one
 * speaker as `mer predict --speaker` scores that speaker's recordings: a per-speaker run standardises
 * each with the statistics of all of them, then the run's own normalisation, network and reading.
 */
export class UtteranceRun {
  private constructor(
    readonly manifest: PipelineManifest,
    private readonly model: PipelineModel,
    private readonly reading: NonNullable<ReturnType<typeof taskFor>['clip']>,
  ) {}

  /** @param best the run's `best/` files (model.json and the rest) */
  static load(manifest: PipelineManifest, best: ModelFiles): UtteranceRun {
    const problem = utteranceRunProblem(manifest);
    if (problem) throw new Error(`${manifest.pipeline} run: cannot score utterances live: ${problem}`);
    const recipe = networkRecipe(manifest.pipeline);
    const model = PipelineModel.fromFiles(recipe, best);
    if (manifest.normalisation) model.setNormalisation(manifest.normalisation);
    return new UtteranceRun(manifest, model, taskFor(recipe, manifest).clip!);
  }

  get classes(): readonly string[] {
    return this.manifest.classes ?? [];
  }

  /** The streams each utterance gives: name, extractor and width. */
  get streams(): PipelineManifest['streams'] {
    return this.manifest.streams;
  }

  /**
   * Scores utterances of one speaker, in order.
   * @param utterances per utterance, each stream's row ([dim]) by stream name
   */
  async score(utterances: readonly Record<string, Float32Array>[]): Promise<UtteranceScore[]> {
    const items = utterances.map((u) => this.item(u));
    const stats = speakerStats(items.map((i) => i.streams));
    const by = `this session's ${items.length} utterance${items.length === 1 ? '' : 's'}`;
    const out: UtteranceScore[] = [];
    for (const item of items) {
      const inputs = predictionInputs(item, { standardise: this.manifest.training.standardise, normalisation: this.manifest.normalisation ?? {} }, { stats, by });
      const { probabilities, label } = await classifyClip(this.model, inputs.streams, this.classes, this.reading);
      out.push({ probabilities, label, notes: inputs.notes });
    }
    return out;
  }

  private item(rows: Record<string, Float32Array>): ExtractedItem {
    const streams: Record<string, ExtractedStream> = {};
    for (const s of this.streams) {
      const data = rows[s.name];
      if (!data) throw new Error(`utterance: no '${s.name}' row (the run reads ${this.streams.map((x) => x.name).join(', ')})`);
      if (data.length !== s.dim) throw new Error(`utterance: '${s.name}' has ${data.length} values, the run was trained on ${s.dim}`);
      streams[s.name] = { data, mask: Uint8Array.of(1), frames: 1, dim: s.dim };
    }
    return { streams, frames: 1, fps: 0, times: new Float64Array(1), notes: [] };
  }

  dispose(): void {
    this.model.dispose();
  }
}
