import * as path from 'node:path';
import { configHash, FeatureStore } from '@mer/datasets';
import { probe } from '@mer/media';
import { extractClip } from './clip-streams';
import type { ExtractedItem, ExtractionInput, ExtractionPlan, ExtractionReport, FrameChunk, ItemSources, PipelineExtractorOptions, StreamSpec } from './extraction-types';
import { extractFrames, extractFramesStreamed, FrameContext } from './frame-streams';
import type { ResolvedOptions } from './extractor-registry';
import { loadExtractorModules } from './extractor-modules';
import { declaredExtractor, disposeStreams, resolveStreams } from './stream-resolution';

/**
 * The feature extractors of one network's plan (its recipe's streams, each computed by a registered
 * extractor: see `registerExtractor`), with the offline defaults
 * that install with the project (BlazeFace + the shipped expression CNN for faces, transformers.js'
 * log-mel/MFCC front ends pooled per frame for audio, feature hashing for transcripts) or the paper
 * encoders a user supplies. Each stream says which paper encoder it stands in for. `extractAll`
 * writes every stream to a {@link FeatureStore} resumably.
 */
export class PipelineExtractor {
  private ctx: FrameContext | null;
  private loading: Promise<FrameContext> | null = null;
  /** The loaded extractors were found to compute exactly the recorded streams (checked once). */
  private exactChecked = false;

  private constructor(
    readonly plan: ExtractionPlan,
    private readonly options: ResolvedOptions,
    ctx: FrameContext | null,
    /** The streams as recorded (a features folder's manifests, a run's pipeline.json) while nothing is loaded. */
    private readonly recorded: readonly StreamSpec[] = [],
  ) {
    this.ctx = ctx;
  }

  /** The extracted streams: names, extractors, widths and configs (as recorded, until the extractors load). */
  get streams(): StreamSpec[] {
    return this.ctx ? this.ctx.streams.map((s) => s.spec) : [...this.recorded];
  }

  /** Whether the extractors' models are loaded (a deferred set loads them for its first file). */
  get loaded(): boolean {
    return this.ctx !== null;
  }

  static async create(plan: ExtractionPlan, options: PipelineExtractorOptions = {}): Promise<PipelineExtractor> {
    const resolved = resolveOptions(options);
    return new PipelineExtractor(plan, resolved, await loadContext(plan, resolved));
  }

  /**
   * A set whose streams are already known — what a features folder's manifests or a run's
   * `pipeline.json` record — that loads its extractors only when a file must be extracted: training
   * and evaluation on stored features never load a model. Once loaded, every stream must have its
   * recorded width (and, to write into a store, the recorded extractor and config).
   */
  static deferred(plan: ExtractionPlan, options: PipelineExtractorOptions, streams: readonly StreamSpec[]): PipelineExtractor {
    const missing = plan.streams.filter((d) => !streams.some((s) => s.name === d.name));
    if (missing.length > 0) throw new Error(`${plan.name}: no recorded stream ${missing.map((d) => `'${d.name}'`).join(', ')} (recorded: ${streams.map((s) => s.name).join(', ')})`);
    return new PipelineExtractor(plan, resolveOptions(options), null, plan.streams.map((d) => streams.find((s) => s.name === d.name)!));
  }

  /**
   * The streams a features folder holds for `plan`, as its manifests record them, or null when a
   * stream was not extracted there (then extractors must load).
   */
  static recordedIn(root: string, plan: ExtractionPlan, options: Pick<PipelineExtractorOptions, 'streams'> = {}): StreamSpec[] | null {
    const specs: StreamSpec[] = [];
    for (const d of plan.streams) {
      if (!FeatureStore.exists(root, d.name)) return null;
      const m = FeatureStore.read(root, d.name).manifest;
      const { pipeline: _pipeline, ...config } = m.config;
      // A stream holding pixels where the plan's extractor computes features (or the other way) is refused.
      const wanted = declaredExtractor(d, options);
      if (wanted && (wanted.values ?? 'features') !== (m.values ?? 'features')) {
        const held = m.values === 'pixels' ? `images (${m.extractor}, [${(m.shape ?? []).join(', ')}])` : `${m.dim}-d features (${m.extractor})`;
        throw new Error(`${path.join(root, d.name)}: stream '${d.name}' holds ${held}, but this setup takes ${wanted.values === 'pixels' ? 'images' : 'features'} from extractor '${wanted.kind}' — extract with the preset you train (mer extract --preset <name>), or train the preset this folder was extracted for`);
      }
      specs.push({ name: d.name, modality: d.modality, ...(m.standsInFor ? { standsInFor: m.standsInFor } : {}), extractor: m.extractor, dim: m.dim, config, ...(m.values === 'pixels' ? { values: m.values, shape: m.shape } : {}) });
    }
    return specs;
  }

  /** The loaded extractors (loading them the first time). */
  private async context(exact = false): Promise<FrameContext> {
    if (!this.ctx) {
      this.loading ??= loadContext(this.plan, this.options);
      const ctx = await this.loading;
      for (const r of this.recorded) {
        const now = ctx.streams.find((s) => s.spec.name === r.name)!.spec;
        if (now.dim !== r.dim) throw new Error(`${this.plan.name}: stream '${r.name}' was recorded ${r.dim}-d (${r.extractor}) but these options compute ${now.dim}-d (${now.extractor})`);
      }
      this.ctx = ctx;
    }
    if (exact && !this.exactChecked) {
      for (const r of this.recorded) {
        const now = this.ctx.streams.find((s) => s.spec.name === r.name)!.spec;
        if (now.extractor !== r.extractor || configHash(now.config) !== configHash(r.config)) {
          throw new Error(`${this.plan.name}: stream '${r.name}' was written by ${r.extractor} (config ${configHash(r.config)}); these options compute ${now.extractor} (config ${configHash(now.config)}) — extract into another folder, or with the folder's own options`);
        }
      }
      this.exactChecked = true;
    }
    return this.ctx;
  }

  /** One line per stream: what it is and what it stands in for. */
  describe(): string[] {
    return this.streams.map((s) => `${s.name}: ${s.extractor} (${s.dim}-d)${s.standsInFor ? ` — offline default in place of ${s.standsInFor}` : ''}`);
  }

  /** Extracts every stream of one video (or audio-only file: the visual streams are then all masked). */
  async extract(file: string, options: ItemSources = {}): Promise<ExtractedItem> {
    this.checkComputable(file);
    const ctx = await this.context();
    const timing = this.plan.timing;
    // A plan without visual streams reads only audio: one ffmpeg run gives the facts and the samples.
    const audioOnly = !this.plan.streams.some((d) => d.modality === 'visual');
    const info = await probe(file, { countFrames: timing.kind === 'clip' && !audioOnly, audioOnly });
    if (timing.kind === 'clip') {
      const o = ctx.options;
      return extractClip(ctx, file, info, { seconds: o.clipSeconds ?? timing.seconds, frames: o.clipFrames ?? timing.frames });
    }
    return extractFrames(ctx, file, info, options);
  }

  /**
   * Streaming extraction (frame-timed plans): each decoded batch's rows of every stream go to
   * `onChunk` as soon as they exist; memory does not grow with the video's length. Rows equal `extract`'s.
   */
  async extractStream(
    file: string,
    options: ItemSources,
    onChunk: (chunk: FrameChunk) => Promise<void>,
  ): Promise<{ frames: number; fps: number; notes: string[] }> {
    if (this.plan.timing.kind !== 'frames') throw new Error(`extractStream: ${this.plan.name} works on clips; use extract()`);
    this.checkComputable(file);
    return extractFramesStreamed(await this.context(), file, options, onChunk);
  }

  /** Precomputed streams (a dataset's own features) cannot be made from media. */
  private checkComputable(file: string): void {
    const pre = this.streams.filter((s) => this.options.precomputed?.[s.name]);
    if (pre.length > 0) {
      throw new Error(`${file}: the stream${pre.length > 1 ? 's' : ''} ${pre.map((s) => `'${s.name}' (${s.config['source']})`).join(', ')} of this setup come from a dataset's own precomputed features (e.g. mer extract --dataset cmu-mosei:<folder>); they cannot be computed from a video`);
    }
  }

  /** Opens (or resumes) the feature stores of every stream under `root`. */
  openStores(root: string): Record<string, FeatureStore> {
    const stores: Record<string, FeatureStore> = {};
    for (const s of this.streams) {
      stores[s.name] = FeatureStore.open(root, { modality: s.name, extractor: s.extractor, config: { pipeline: this.plan.name, ...s.config }, dim: s.dim, standsInFor: s.standsInFor, ...(s.values ? { values: s.values, shape: s.shape } : {}) });
    }
    return stores;
  }

  /**
   * Extracts every input into feature stores under `root`, skipping items already complete in all
   * streams (so a stopped run resumes), and carrying on past a broken file (reported with the error).
   */
  async extractAll(inputs: readonly ExtractionInput[], root: string, onItem?: (id: string, index: number, status: 'extracted' | 'skipped' | 'failed') => void): Promise<ExtractionReport> {
    const stores = this.openStores(root);
    const report: ExtractionReport = { extracted: [], skipped: [], failed: [], notes: {} };
    for (const [index, input] of inputs.entries()) {
      if (Object.values(stores).every((s) => s.has(input.id))) {
        report.skipped.push(input.id);
        onItem?.(input.id, index, 'skipped');
        continue;
      }
      await this.context(true); // a setup that cannot load, or computes other features than the folder's, is not an item's failure
      try {
        const item = await this.extract(input.file, { transcript: input.transcript, person: input.person, faceCrops: input.faceCrops, frames: input.frames });
        for (const [name, stream] of Object.entries(item.streams)) {
          stores[name].write(input.id, stream.data, { mask: stream.mask, meta: { file: input.file, fps: item.fps } });
        }
        if (item.notes.length > 0) report.notes[input.id] = item.notes;
        report.extracted.push(input.id);
        onItem?.(input.id, index, 'extracted');
      } catch (e) {
        report.failed.push({ id: input.id, file: input.file, error: (e as Error).message });
        onItem?.(input.id, index, 'failed');
      }
    }
    // The stores sync a group of items at a time; the last group is synced here.
    for (const s of Object.values(stores)) s.flush();
    return report;
  }

  dispose(): void {
    if (this.ctx) disposeStreams(this.ctx.streams);
  }
}

function resolveOptions(options: PipelineExtractorOptions): ResolvedOptions {
  return { ...options, faces: options.faces ?? 'detect', visualModel: options.visualModel ?? 'expression', detectEvery: options.detectEvery ?? 5 };
}

async function loadContext(plan: ExtractionPlan, options: ResolvedOptions): Promise<FrameContext> {
  if (options.modules) loadExtractorModules(options.modules);
  return { streams: await resolveStreams(plan, options), options };
}
