import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend } from '@mer/backend';
import { alignToSteps, CsdSequence, MOSEI_EMOTIONS, MoseiFolds, MoseiSegment, openCsd, readMoseiFolds, readMoseiLabels } from '@mer/datasets';
import { ExtractionReport, PipelineExtractor, PipelineExtractorOptions, PrecomputedStream } from '@mer/feature-extractors';
import { writeFileAtomic } from '@mer/media';
import type { StreamModality } from '@mer/training';
import { resolveRecipe } from './network-registry';
import { canLearn } from './tasks/task-registry';
import type { FeatureIndex } from './workflow';

/** What to learn from CMU-MOSEI's labels. */
export type MoseiTask = 'emotions' | 'sentiment2' | 'sentiment7';

/**
 * The label tasks: the six emotions, each present when its intensity is > 0 (multi-label); sentiment
 * negative (< 0) vs non-negative (≥ 0); sentiment rounded to −3 … 3 (7 classes).
 */
export const MOSEI_TASKS: Record<MoseiTask, { classes: readonly string[]; multiLabel: boolean; label(s: MoseiSegment): { classLabel?: number; multiLabel?: number[] } }> = {
  emotions: { classes: MOSEI_EMOTIONS, multiLabel: true, label: (s) => ({ multiLabel: Array.from(s.present) }) },
  sentiment2: { classes: ['negative', 'non-negative'], multiLabel: false, label: (s) => ({ classLabel: s.sentiment < 0 ? 0 : 1 }) },
  sentiment7: { classes: ['-3', '-2', '-1', '0', '1', '2', '3'], multiLabel: false, label: (s) => ({ classLabel: Math.round(Math.max(-3, Math.min(3, s.sentiment))) + 3 }) },
};

/** Which of the SDK's sequences feeds a stream of each modality, in order of preference. */
const SEQUENCES: Record<StreamModality, { pattern: RegExp; what: string }[]> = {
  visual: [
    { pattern: /facet/i, what: 'FACET 4.2' },
    { pattern: /openface/i, what: 'OpenFace 2' },
  ],
  audio: [
    { pattern: /covarep/i, what: 'COVAREP' },
    { pattern: /opensmile/i, what: 'openSMILE' },
  ],
  text: [
    { pattern: /glove|word_?vectors/i, what: 'GloVe' },
    { pattern: /bert/i, what: 'BERT' },
  ],
};

export interface MoseiExtractOptions {
  /** A registered classification network, e.g. 'avt-ca' (its `features` mode takes FACET and COVAREP). */
  pipeline: string;
  /** The folder of the SDK's `.csd` files (labels and feature sequences). */
  folder: string;
  out: string;
  /** The standard folds: a JSON `{train, valid, test}` of video ids or the SDK's `cmu_mosei_std_folds.py`; default: one of those in `folder`. */
  folds?: string;
  /** Default 'emotions'. */
  task?: MoseiTask;
  /** Sub-intervals per segment each sequence is averaged onto. Default: the network's clip frames (AVT-CA: 15). */
  steps?: number;
  /** Stream name → `.csd` file (name in `folder`, or path) when the default choice is not wanted. */
  sequences?: Record<string, string>;
  limit?: number;
  onItem?: (id: string, index: number, total: number, status: string) => void;
}

function findFolds(o: MoseiExtractOptions): MoseiFolds {
  const candidates = o.folds ? [o.folds] : ['standard_folds.json', 'cmu_mosei_std_folds.py'].map((f) => path.join(o.folder, f)).filter((f) => fs.existsSync(f));
  if (candidates.length === 0 || !fs.existsSync(candidates[0])) {
    throw new Error(
      `cmu-mosei: ${o.folds ? `${o.folds}: fold file not found` : `no fold list in ${o.folder}`} — pass --folds <file>: a JSON {"train": [...], "valid": [...], "test": [...]} of video ids, or the SDK's cmu_mosei_std_folds.py (mmsdk/mmdatasdk/dataset/standard_datasets/CMU_MOSEI/)`,
    );
  }
  return readMoseiFolds(candidates[0]);
}

/**
 * `mer extract --dataset cmu-mosei:<folder>`: the feature store written straight from the SDK's
 * computational sequences — nothing is decoded. Segments are the label sequence's intervals; each of
 * the network's streams takes the sequence of its modality (FACET → visual, COVAREP → audio, GloVe →
 * text), averaged onto `steps` equal sub-intervals of each segment (masked where no row falls).
 * −inf/NaN values become 0 and are counted per stream. Splits come from the standard folds; videos in
 * no fold are left out (counted). Resumable: finished segments are skipped.
 */
export async function extractMosei(o: MoseiExtractOptions): Promise<ExtractionReport & { total: number; datasetNotes: string[] }> {
  if (!fs.existsSync(o.folder) || !fs.statSync(o.folder).isDirectory()) throw new Error(`cmu-mosei:${o.folder}: folder not found`);
  const recipe = resolveRecipe(o.pipeline);
  if (!canLearn(recipe, 'classification')) throw new Error(`cmu-mosei: ${recipe.name} is a ${recipe.task} network; MOSEI's labels are classes (emotions present, or sentiment) — use a classification network such as avt-ca`);
  const task = o.task ?? 'emotions';
  if (!MOSEI_TASKS[task]) throw new Error(`cmu-mosei: unknown task '${task}' (${Object.keys(MOSEI_TASKS).join(', ')})`);
  const files = fs.readdirSync(o.folder).filter((f) => f.endsWith('.csd')).map((f) => path.join(o.folder, f));
  const roots = new Map<string, string>();
  for (const f of files) {
    const c = await openCsd(f);
    roots.set(f, c.name);
    c.close();
  }
  const labels = files.find((f) => /label/i.test(roots.get(f)!) || /label/i.test(path.basename(f)));
  if (!labels) throw new Error(`cmu-mosei:${o.folder}: no label sequence (CMU_MOSEI_Labels.csd, root 'All Labels') among ${files.map((f) => path.basename(f)).join(', ') || 'no .csd files'}`);
  const folds = findFolds(o);
  const splitOf = new Map<string, string>([...folds.train.map((v) => [v, 'train'] as const), ...folds.valid.map((v) => [v, 'validation'] as const), ...folds.test.map((v) => [v, 'test'] as const)]);

  // Each stream's sequence file.
  const chosen: Record<string, string> = {};
  for (const s of recipe.streams) {
    const given = o.sequences?.[s.name];
    const file = given ? (fs.existsSync(given) ? given : path.join(o.folder, given)) : SEQUENCES[s.modality].map((c) => files.find((f) => f !== labels && (c.pattern.test(roots.get(f)!) || c.pattern.test(path.basename(f))))).find(Boolean);
    if (!file || !fs.existsSync(file)) {
      throw new Error(`cmu-mosei:${o.folder}: ${recipe.name}'s stream '${s.name}' (${s.modality}) needs a ${SEQUENCES[s.modality].map((c) => c.what).join(' or ')} sequence${given ? `; ${given} not found` : `; none among ${files.map((f) => path.basename(f)).join(', ')}`}`);
    }
    chosen[s.name] = file;
  }
  const all = await readMoseiLabels(labels);
  const segments = all.filter((s) => splitOf.has(s.video));
  const unfolded = new Set(all.filter((s) => !splitOf.has(s.video)).map((s) => s.video));
  const items = o.limit ? segments.slice(0, o.limit) : segments;
  const steps = o.steps ?? (recipe.timing.kind === 'clip' ? recipe.timing.frames : 32);
  const seqs = Object.fromEntries(await Promise.all(Object.entries(chosen).map(async ([name, f]) => [name, await openCsd(f)] as const)));
  try {
    const precomputed: Record<string, PrecomputedStream> = {};
    for (const [name, c] of Object.entries(seqs)) {
      const probe = c.videos.length > 0 ? c.get(c.videos[0]) : null;
      if (!probe) throw new Error(`${c.file}: no videos in the sequence`);
      precomputed[name] = { source: c.name, dim: probe.dim, config: { file: path.basename(c.file), alignment: 'interval-mean', steps } };
    }
    const extractorOptions: PipelineExtractorOptions = { faces: 'none', precomputed };
    await initBackend();
    const extractor = await PipelineExtractor.create(recipe, extractorOptions);
    const stores = extractor.openStores(o.out);
    extractor.dispose();
    const report: ExtractionReport & { total: number; datasetNotes: string[] } = { extracted: [], skipped: [], failed: [], notes: {}, total: items.length, datasetNotes: [] };
    const nonFinite: Record<string, number> = Object.fromEntries(Object.keys(seqs).map((n) => [n, 0]));
    const missing: Record<string, Set<string>> = Object.fromEntries(Object.keys(seqs).map((n) => [n, new Set<string>()]));
    let video = '';
    let current: Record<string, CsdSequence | null> = {};
    for (const [index, seg] of items.entries()) {
      if (Object.values(stores).every((s) => s.has(seg.id))) {
        report.skipped.push(seg.id);
        o.onItem?.(seg.id, index, items.length, 'skipped');
        continue;
      }
      if (seg.video !== video) {
        video = seg.video;
        current = Object.fromEntries(Object.entries(seqs).map(([n, c]) => [n, c.videos.includes(video) ? c.get(video) : null]));
        for (const [n, s] of Object.entries(current)) nonFinite[n] += s?.nonFinite ?? 0;
      }
      try {
        for (const [name, s] of Object.entries(current)) {
          const dim = precomputed[name].dim;
          if (s && s.dim !== dim) throw new Error(`${seqs[name].file}: video '${video}' has ${s.dim}-d rows, the sequence's first video ${dim}-d`);
          const a = s ? alignToSteps(s, seg.start, seg.end, steps) : { data: new Float32Array(steps * dim), mask: new Uint8Array(steps) };
          if (!s) missing[name].add(video);
          stores[name].write(seg.id, a.data, { mask: a.mask, meta: { file: seqs[name].file, fps: steps / (seg.end - seg.start) } });
        }
        report.extracted.push(seg.id);
        o.onItem?.(seg.id, index, items.length, 'extracted');
      } catch (e) {
        report.failed.push({ id: seg.id, file: labels, error: (e as Error).message });
        o.onItem?.(seg.id, index, items.length, 'failed');
      }
    }
    report.datasetNotes.push(`${segments.length} segments of ${all.length} in the folds (${folds.train.length}/${folds.valid.length}/${folds.test.length} videos)${unfolded.size ? `; ${unfolded.size} labelled videos in no fold left out` : ''}`);
    report.datasetNotes.push(`each segment averaged onto ${steps} steps per stream (interval means, as the SDK's align; steps without data masked): ${Object.entries(precomputed).map(([n, p]) => `${n} ← ${p.source} (${p.dim}-d)`).join(', ')}`);
    for (const [n, k] of Object.entries(nonFinite)) if (k > 0) report.datasetNotes.push(`${n}: ${k} −inf/NaN values in ${seqs[n].name} replaced by 0`);
    for (const [n, v] of Object.entries(missing)) if (v.size > 0) report.datasetNotes.push(`${n}: ${v.size} videos have no ${seqs[n].name} rows (masked): ${[...v].slice(0, 5).join(', ')}${v.size > 5 ? ', …' : ''}`);
    const index: FeatureIndex = {
      pipeline: recipe.name,
      dataset: `cmu-mosei:${o.folder}`,
      classes: MOSEI_TASKS[task].classes,
      multiLabel: MOSEI_TASKS[task].multiLabel || undefined,
      extractor: extractorOptions,
      items: items.map((s) => ({ id: s.id, file: labels, split: splitOf.get(s.video), speaker: s.video, ...MOSEI_TASKS[task].label(s) })),
    };
    fs.mkdirSync(o.out, { recursive: true });
    writeFileAtomic(path.join(o.out, 'items.json'), JSON.stringify(index));
    return report;
  } finally {
    for (const c of Object.values(seqs)) c.close();
  }
}
