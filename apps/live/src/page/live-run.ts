/// <reference lib="dom" />
import type { ModelFiles } from '@mer/backend';
import { UTTERANCE_EXTRACTORS } from '@mer/feature-extractors';
import { PipelineManifest, UtteranceRun } from '@mer/pipelines';
import type { Utterance } from './utterance-segmenter';

/** One heard utterance as the run scores it (`window.mer.utterances()`). */
export interface LiveUtterance {
  /** Page-clock seconds, as the rows' audio. */
  start: number;
  end: number;
  label: string;
  /** By class, in the run's order. */
  probabilities: Record<string, number>;
  /** Each stream's row, as computed from the samples (what the run scored). */
  features: Record<string, number[]>;
  notes: string[];
}

/**
 * An utterance-level run the server was started with (`mer live --run`), scoring every utterance the microphone
 * hears. All utterances are one speaker's: each time one ends, every utterance so far is scored again
 * with the statistics of all of them (the rule of `mer predict --speaker` over that speaker's files),
 * so early scores settle as more speech is heard.
 */
export class LiveRun {
  readonly utterances: LiveUtterance[] = [];
  private readonly rows: Record<string, Float32Array>[] = [];
  private queue: Promise<void> = Promise.resolve();

  private constructor(readonly run: UtteranceRun) {}

  /** Scores utterances with a run the page fetched ({@link fetchRun}). */
  static fromFiles(manifest: PipelineManifest, best: ModelFiles): LiveRun {
    return new LiveRun(UtteranceRun.load(manifest, best));
  }

  get name(): string {
    return this.run.manifest.pipeline;
  }

  /** Scores an utterance (in order with the others); `offset`: the page time (s) its times count from. */
  add(u: Utterance, offset: number): Promise<void> {
    this.queue = this.queue.then(() => this.score(u, offset));
    return this.queue;
  }

  private async score(u: Utterance, offset: number): Promise<void> {
    const row = Object.fromEntries(this.run.streams.map((s) => [s.name, UTTERANCE_EXTRACTORS[s.extractor](u.samples)]));
    this.rows.push(row);
    this.utterances.push({ start: offset + u.start, end: offset + u.end, label: '', probabilities: {}, features: Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Array.from(v)])), notes: [] });
    const scores = await this.run.score(this.rows);
    scores.forEach((s, i) => Object.assign(this.utterances[i], { label: s.label, probabilities: Object.fromEntries(this.run.classes.map((c, k) => [c, s.probabilities[k]])), notes: s.notes }));
  }
}
