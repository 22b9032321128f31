import type { StreamDeclaration } from '@mer/training';
import type { ExtractionPlan, StreamSpec } from './extraction-types';
import { getExtractor, hasExtractor, listExtractors, type ExtractorDefinition, type ResolvedOptions, type StreamExtractor } from './extractor-registry';

/** A declared stream with the extractor loaded for it, or none when a dataset reader supplies it ('precomputed'). */
export interface ResolvedStream {
  spec: StreamSpec;
  extractor: StreamExtractor | null;
}

/** The extractor kind a declared stream resolves to before any model loads (`--stream`'s choice, else the declaration's), when registered. */
export function declaredExtractor(decl: StreamDeclaration, o: Pick<ResolvedOptions, 'streams'>): ExtractorDefinition | null {
  const kind = o.streams?.[decl.name] ?? decl.extractor;
  return hasExtractor(kind) ? getExtractor(kind) : null;
}

/** Which registered extractor computes `decl`: the paper's when the options supply its model, else `--stream`'s choice, else the recipe's default. */
function chooseExtractor(plan: ExtractionPlan, decl: StreamDeclaration, o: ResolvedOptions): ExtractorDefinition {
  const paper = decl.paperExtractor && hasExtractor(decl.paperExtractor) ? getExtractor(decl.paperExtractor) : null;
  const kind = paper?.supplied?.(o) ? paper.kind : (o.streams?.[decl.name] ?? decl.extractor);
  if (!hasExtractor(kind)) throw new Error(`${plan.name}: stream '${decl.name}' names extractor '${kind}', which is not one of ${listExtractors().map((d) => d.kind).join(', ')}`);
  const def = getExtractor(kind);
  if (def.modality !== decl.modality) throw new Error(`${plan.name}: stream '${decl.name}' is ${decl.modality} but extractor '${kind}' computes ${def.modality}`);
  if (!def.timings.includes(plan.timing.kind)) throw new Error(`${plan.name}: extractor '${kind}' does not run on ${plan.timing.kind}-timed plans`);
  return def;
}

/** Loads each extractor the plan's streams need (once per kind) and states every stream's width and config. */
export async function resolveStreams(plan: ExtractionPlan, o: ResolvedOptions): Promise<ResolvedStream[]> {
  if (plan.streams.length === 0) throw new Error(`${plan.name}: the recipe declares no input streams`);
  const names = plan.streams.map((d) => d.name).join(', ');
  for (const given of [o.streams, o.precomputed]) {
    const unknown = Object.keys(given ?? {}).filter((n) => !plan.streams.some((d) => d.name === n));
    if (unknown.length > 0) throw new Error(`${plan.name}: no stream named ${unknown.join(', ')} (its streams: ${names})`);
  }
  const defs = plan.streams.map((d) => (o.precomputed?.[d.name] ? null : chooseExtractor(plan, d, o)));
  const visual = new Set(defs.filter((d) => d?.modality === 'visual').map((d) => d!.kind));
  if (visual.size > 1) throw new Error(`${plan.name}: the visual streams name ${[...visual].join(' and ')}; a plan's visual streams share one extractor (it sets the rows' times)`);
  const clip = plan.timing.kind === 'clip' ? { seconds: o.clipSeconds ?? plan.timing.seconds, frames: o.clipFrames ?? plan.timing.frames } : null;
  const loaded = new Map<string, StreamExtractor>();
  try {
    for (const def of defs) if (def && !loaded.has(def.kind)) loaded.set(def.kind, await def.create({ plan, options: o, clip }));
  } catch (e) {
    for (const x of loaded.values()) x.dispose?.();
    throw e;
  }
  return plan.streams.map((decl, i): ResolvedStream => {
    const pre = o.precomputed?.[decl.name];
    if (pre) return { spec: streamSpec(decl, decl.standsInFor, { extractor: `precomputed:${pre.source}`, dim: pre.dim, config: { source: pre.source, ...pre.config } }), extractor: null };
    const extractor = loaded.get(defs[i]!.kind)!;
    const d = extractor.describe(decl);
    const pixels = defs[i]!.values === 'pixels' ? { values: 'pixels' as const, shape: d.shape ?? [d.dim] } : {};
    return { spec: { ...streamSpec(decl, d.standsInFor === undefined ? decl.standsInFor : d.standsInFor, d), ...pixels }, extractor };
  });
}

function streamSpec(decl: StreamDeclaration, standsInFor: string | null | undefined, d: Pick<StreamSpec, 'extractor' | 'dim' | 'config'>): StreamSpec {
  return { name: decl.name, modality: decl.modality, ...(standsInFor ? { standsInFor } : {}), extractor: d.extractor, dim: d.dim, config: d.config };
}

/** Disposes every distinct extractor of the streams. */
export function disposeStreams(streams: readonly ResolvedStream[]): void {
  for (const x of new Set(streams.map((s) => s.extractor))) x?.dispose?.();
}
