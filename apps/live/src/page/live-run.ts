/// <reference lib="dom" />
import { memoryFiles } from '@mer/backend';
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

async function fetchOk(url: string): Promise<Response> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status} ${r.statusText}`);
  return r;
}

/**
 * The run the server was started with (`mer live --run`), scoring every utterance the microphone
 * hears. All utterances are one speaker's: each time one ends, every utterance so far is scored again
 * with the statistics of all of them (the rule of `mer predict --speaker` over that speaker's files),
 * so early scores settle as more speech is heard.
 */
export class LiveRun {
  readonly utterances: LiveUtterance[] = [];
  private readonly rows: Record<string, Float32Array>[] = [];
  private queue: Promise<void> = Promise.resolve();

  private constructor(readonly run: UtteranceRun) {}

  /** The server's run (`base`: the page's `run/` URL), or null when it was started without one. */
  static async load(base: string): Promise<LiveRun | null> {
    const listing = await fetch(`${base}best.json`);
    if (listing.status === 404) return null;
    if (!listing.ok) throw new Error(`${base}best.json: HTTP ${listing.status} ${listing.statusText}`);
    const { files } = (await listing.json()) as { files: string[] };
    // The manifest and the model's files in parallel, not one request after another.
    const [manifest, bytes] = await Promise.all([
      fetchOk(`${base}pipeline.json`).then((r) => r.json() as Promise<PipelineManifest>),
      Promise.all(files.map(async (f) => new Uint8Array(await (await fetchOk(`${base}best/${encodeURIComponent(f)}`)).arrayBuffer()))),
    ]);
    const best = memoryFiles(`${base}best`);
    files.forEach((f, i) => void best.write(f, bytes[i]));
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
