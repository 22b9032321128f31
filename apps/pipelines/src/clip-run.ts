import type { ModelFiles } from '@mer/backend';
import { networkRecipe } from '@mer/training';
import type { ExtractedItem, ExtractedStream } from '@mer/feature-extractors';
import type { PipelineManifest } from './pipeline-manifest';
import { PipelineModel } from './pipeline-model';
import { predictionInputs } from './prediction-inputs';
import { speakerStats } from './recording-standardisation';
import { classifyClip } from './tasks/clip-scores';
import { taskFor } from './tasks/task-registry';

/** One clip scored: its class probabilities (the run's class order), label, and how it was standardised. */
export interface ClipScore {
  probabilities: number[];
  label: string;
  notes: string[];
}

/** One stream of one clip as a caller computed it: `frames` rows of the stream's width, row-major, and which hold values (default all). */
export interface ClipRows {
  data: Float32Array;
  frames: number;
  mask?: Uint8Array;
}

/** Why a run cannot be held as one network fed rows (a committee, or a late-fused utterance stream), or null. */
export function singleRunProblem(m: PipelineManifest): string | null {
  if (m.committee) return `a committee run (${m.committee.members} members): live scoring takes a single run (one of its members/<k> folders)`;
  if (m.utterance) return 'a run with a late-fused utterance stream (--utterance): its network also reads rows of another timing';
  return null;
}

/**
 * Why a run cannot score clips handed to it as rows, or null when it can: a clip classifier, not a
 * committee, without a late-fused stream. Which extractors a caller can compute the rows of is the
 * caller's to check (the run's `streams` name them).
 */
export function clipRunProblem(m: PipelineManifest): string | null {
  const single = singleRunProblem(m);
  if (single) return single;
  const task = taskFor(networkRecipe(m.pipeline), m);
  if (!task.clip) return `a '${task.name}' run (${m.pipeline}): live scoring takes clip classifiers`;
  return null;
}

/**
 * A trained clip classifier held without a disk (its manifest and its best model's files as bytes),
 * scoring clips whose streams' rows the caller computed (a browser page from its camera and microphone).
 * All clips are one speaker's: a per-speaker run standardises each with the statistics of all of them
 * (the rule of `mer predict --speaker` over that speaker's files), then applies the run's own
 * normalisation, network and reading.
 */
export class ClipRun {
  private constructor(
    readonly manifest: PipelineManifest,
    private readonly model: PipelineModel,
    private readonly reading: NonNullable<ReturnType<typeof taskFor>['clip']>,
  ) {}

  /** @param best the run's `best/` files (model.json and the rest) */
  static load(manifest: PipelineManifest, best: ModelFiles): ClipRun {
    const problem = clipRunProblem(manifest);
    if (problem) throw new Error(`${manifest.pipeline} run: cannot score clips live: ${problem}`);
    const recipe = networkRecipe(manifest.pipeline);
    const model = PipelineModel.fromFiles(recipe, best);
    if (manifest.normalisation) model.setNormalisation(manifest.normalisation);
    return new ClipRun(manifest, model, taskFor(recipe, manifest).clip!);
  }

  get classes(): readonly string[] {
    return this.manifest.classes ?? [];
  }

  /** The streams each clip gives: name, extractor, width and config. */
  get streams(): PipelineManifest['streams'] {
    return this.manifest.streams;
  }

  /**
   * Scores clips of one speaker.
   * @param clips per clip, each stream's rows ([frames, dim]) by stream name; a pixel stream's rows
   *   (face crops, which take no statistics) only in the clips scored
   * @param options.only score only these clips (indices; default all); the statistics are still all clips'
   * @param options.unit what a clip is called in the notes (default 'clip': "this session's 3 clips")
   * @returns one score per scored clip, in `only`'s order
   */
  async score(clips: readonly Record<string, ClipRows>[], options: { only?: readonly number[]; unit?: string } = {}): Promise<ClipScore[]> {
    const unit = options.unit ?? 'clip';
    const only = new Set(options.only ?? clips.keys());
    const items = clips.map((c, k) => this.item(c, unit, only.has(k)));
    const stats = speakerStats(items.map((i) => i.streams));
    const by = `this session's ${items.length} ${unit}${items.length === 1 ? '' : 's'}`;
    const out: ClipScore[] = [];
    for (const k of options.only ?? items.keys()) {
      const inputs = predictionInputs(items[k], { standardise: this.manifest.training.standardise, normalisation: this.manifest.normalisation ?? {} }, { stats, by });
      const { probabilities, label } = await classifyClip(this.model, inputs.streams, this.classes, this.reading);
      out.push({ probabilities, label, notes: inputs.notes });
    }
    return out;
  }

  /** One clip's rows as an extracted item; `scored` false: a clip that only gives statistics, which may leave out its pixel rows. */
  private item(rows: Record<string, ClipRows>, unit: string, scored: boolean): ExtractedItem {
    const streams: Record<string, ExtractedStream> = {};
    for (const s of this.streams) {
      const r = rows[s.name];
      if (!r && !scored && s.values === 'pixels') continue;
      if (!r) throw new Error(`${unit}: no '${s.name}' rows (the run reads ${this.streams.map((x) => x.name).join(', ')})`);
      if (r.data.length !== r.frames * s.dim) {
        throw new Error(r.frames === 1 ? `${unit}: '${s.name}' has ${r.data.length} values, the run was trained on ${s.dim}` : `${unit}: '${s.name}' has ${r.data.length} values for ${r.frames} rows, the run was trained on ${s.dim} a row`);
      }
      if (r.mask && r.mask.length !== r.frames) throw new Error(`${unit}: '${s.name}' has ${r.mask.length} mask entries for ${r.frames} rows`);
      streams[s.name] = { data: r.data, mask: r.mask ?? new Uint8Array(r.frames).fill(1), frames: r.frames, dim: s.dim, ...(s.values ? { values: s.values } : {}) };
    }
    const frames = Math.max(...Object.values(streams).map((s) => s.frames));
    return { streams, frames, fps: 0, times: new Float64Array(frames), notes: [] };
  }

  dispose(): void {
    this.model.dispose();
  }
}
