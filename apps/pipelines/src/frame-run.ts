import type { ModelFiles } from '@mer/backend';
import { RunningStats } from '@mer/datasets';
import type { ExtractedItem, ExtractedStream } from '@mer/feature-extractors';
import { networkRecipe } from '@mer/training';
import { type ClipRows, singleRunProblem } from './clip-run';
import type { PipelineManifest } from './pipeline-manifest';
import { PipelineModel } from './pipeline-model';
import { predictionInputs } from './prediction-inputs';
import { predictFrames } from './tasks/frame-inference';
import { taskFor } from './tasks/task-registry';

/**
 * Why a run cannot predict valence/arousal on frames handed to it as rows, or null when it can: a
 * single per-frame valence/arousal run (MAVEN, TCN-fusion), not a committee, without a late-fused
 * stream. Which extractors a caller can compute the rows of is the caller's to check.
 */
export function frameRunProblem(m: PipelineManifest): string | null {
  const single = singleRunProblem(m);
  if (single) return single;
  const task = taskFor(networkRecipe(m.pipeline), m);
  // A task that reads clip logits is a clip classifier; the others predict per frame.
  if (task.clip) return `a '${task.name}' run (${m.pipeline}): live frame scoring takes per-frame valence/arousal runs`;
  return null;
}

/** A window's valence/arousal: [frames, 2] row-major, and how its rows were standardised. */
export interface FrameScore {
  va: Float32Array;
  notes: string[];
}

/**
 * A trained per-frame valence/arousal run held without a disk (its manifest and best model's files as
 * bytes), predicting windows of frames whose rows the caller computed (a browser page, frame by frame).
 * All frames are one speaker's: a per-speaker run standardises with the statistics of every frame
 * added so far ({@link add}; running sums, so memory stays flat), as `mer predict` standardises a
 * recording with its own frames; then the run's normalisation and network, one window at a time.
 */
export class FrameRun {
  private readonly stats: Record<string, RunningStats>;

  private constructor(
    readonly manifest: PipelineManifest,
    private readonly model: PipelineModel,
  ) {
    this.stats = Object.fromEntries(manifest.streams.filter((s) => s.values !== 'pixels').map((s) => [s.name, new RunningStats(s.dim)]));
  }

  /** @param best the run's `best/` files (model.json and the rest) */
  static load(manifest: PipelineManifest, best: ModelFiles): FrameRun {
    const problem = frameRunProblem(manifest);
    if (problem) throw new Error(`${manifest.pipeline} run: cannot predict frames live: ${problem}`);
    const model = PipelineModel.fromFiles(networkRecipe(manifest.pipeline), best);
    if (manifest.normalisation) model.setNormalisation(manifest.normalisation);
    return new FrameRun(manifest, model);
  }

  /** Frames the network sees at once (its training windows; 300 when it trained on whole clips), as `mer predict`. */
  get windowSize(): number {
    return this.manifest.training.window?.size ?? 300;
  }

  /** The streams each frame gives: name, extractor, width and config. */
  get streams(): PipelineManifest['streams'] {
    return this.manifest.streams;
  }

  /** Adds frames' rows to the session's statistics (per-speaker runs standardise with them). */
  add(rows: Record<string, ClipRows>): void {
    const item = this.item(rows);
    for (const [name, stats] of Object.entries(this.stats)) stats.add(item.streams[name]);
  }

  /**
   * Valence/arousal of one window of at most {@link windowSize} frames (every stream the same rows),
   * standardised with the statistics of the frames {@link add}ed so far.
   */
  async predict(rows: Record<string, ClipRows>): Promise<FrameScore> {
    const item = this.item(rows);
    if (item.frames > this.windowSize) throw new Error(`frames: a window of ${item.frames} frames, the run takes at most ${this.windowSize}`);
    const stats = Object.fromEntries(Object.entries(this.stats).map(([k, s]) => [k, s.stats()]));
    const n = Object.values(this.stats)[0]?.frames ?? 0;
    const inputs = predictionInputs(item, { standardise: this.manifest.training.standardise, normalisation: this.manifest.normalisation ?? {} }, { stats, by: `this session's ${n} frames` });
    const va = await predictFrames(this.model, this.windowSize, inputs.streams, item.frames);
    return { va, notes: inputs.notes };
  }

  private item(rows: Record<string, ClipRows>): ExtractedItem {
    const streams: Record<string, ExtractedStream> = {};
    let frames = -1;
    for (const s of this.streams) {
      const r = rows[s.name];
      if (!r) throw new Error(`frames: no '${s.name}' rows (the run reads ${this.streams.map((x) => x.name).join(', ')})`);
      if (r.data.length !== r.frames * s.dim) throw new Error(`frames: '${s.name}' has ${r.data.length} values for ${r.frames} rows, the run was trained on ${s.dim} a row`);
      if (frames >= 0 && r.frames !== frames) throw new Error(`frames: '${s.name}' has ${r.frames} rows, the other streams ${frames}`);
      frames = r.frames;
      streams[s.name] = { data: r.data, mask: r.mask ?? new Uint8Array(r.frames).fill(1), frames: r.frames, dim: s.dim, ...(s.values ? { values: s.values } : {}) };
    }
    return { streams, frames: Math.max(0, frames), fps: 0, times: new Float64Array(Math.max(0, frames)), notes: [] };
  }

  dispose(): void {
    this.model.dispose();
  }
}
