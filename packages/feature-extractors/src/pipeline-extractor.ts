import { FeatureStore } from '@mer/datasets';
import { probe } from '@mer/media';
import { extractClip } from './clip-streams';
import type { ExtractedItem, ExtractionInput, ExtractionPlan, ExtractionReport, FrameChunk, ItemSources, PipelineExtractorOptions, StreamSpec } from './extraction-types';
import { extractFrames, extractFramesStreamed, FrameContext } from './frame-streams';
import type { ResolvedOptions } from './extractor-registry';
import { loadExtractorModules } from './extractor-modules';
import { disposeStreams, resolveStreams } from './stream-resolution';

/**
 * The feature extractors of one network's plan (its recipe's streams, each computed by a registered
 * extractor: see `registerExtractor`), with the offline defaults
 * that install with the project (BlazeFace + the shipped expression CNN for faces, transformers.js'
 * log-mel/MFCC front ends pooled per frame for audio, feature hashing for transcripts) or the paper
 * encoders a user supplies. Each stream says which paper encoder it stands in for. `extractAll`
 * writes every stream to a {@link FeatureStore} resumably.
 */
export class PipelineExtractor {
  private constructor(
    readonly plan: ExtractionPlan,
    private readonly ctx: FrameContext,
  ) {}

  /** The extracted streams: names, extractors, widths and configs. */
  get streams(): StreamSpec[] {
    return this.ctx.streams.map((s) => s.spec);
  }

  static async create(plan: ExtractionPlan, options: PipelineExtractorOptions = {}): Promise<PipelineExtractor> {
    if (options.modules) loadExtractorModules(options.modules);
    const resolved: ResolvedOptions = { ...options, faces: options.faces ?? 'detect', visualModel: options.visualModel ?? 'expression', detectEvery: options.detectEvery ?? 5 };
    return new PipelineExtractor(plan, { streams: await resolveStreams(plan, resolved), options: resolved });
  }

  /** One line per stream: what it is and what it stands in for. */
  describe(): string[] {
    return this.streams.map((s) => `${s.name}: ${s.extractor} (${s.dim}-d)${s.standsInFor ? ` — offline default in place of ${s.standsInFor}` : ''}`);
  }

  /** Extracts every stream of one video (or audio-only file: the visual streams are then all masked). */
  async extract(file: string, options: ItemSources = {}): Promise<ExtractedItem> {
    this.checkComputable(file);
    const timing = this.plan.timing;
    const info = await probe(file, { countFrames: timing.kind === 'clip' });
    if (timing.kind === 'clip') {
      const o = this.ctx.options;
      return extractClip(this.ctx, file, info, { seconds: o.clipSeconds ?? timing.seconds, frames: o.clipFrames ?? timing.frames });
    }
    return extractFrames(this.ctx, file, info, options);
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
    return extractFramesStreamed(this.ctx, file, options, onChunk);
  }

  /** Precomputed streams (a dataset's own features) cannot be made from media. */
  private checkComputable(file: string): void {
    const pre = this.ctx.streams.filter((s) => s.extractor === null);
    if (pre.length > 0) {
      throw new Error(`${file}: the stream${pre.length > 1 ? 's' : ''} ${pre.map((s) => `'${s.spec.name}' (${s.spec.config['source']})`).join(', ')} of this setup come from a dataset's own precomputed features (e.g. mer extract --dataset cmu-mosei:<folder>); they cannot be computed from a video`);
    }
  }

  /** Opens (or resumes) the feature stores of every stream under `root`. */
  openStores(root: string): Record<string, FeatureStore> {
    const stores: Record<string, FeatureStore> = {};
    for (const s of this.streams) {
      stores[s.name] = FeatureStore.open(root, { modality: s.name, extractor: s.extractor, config: { pipeline: this.plan.name, ...s.config }, dim: s.dim });
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
    disposeStreams(this.ctx.streams);
  }
}
