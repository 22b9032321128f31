import * as fs from 'node:fs';
import * as path from 'node:path';
import { FoldScheme, foldSplits, parseFoldScheme, speakerFolds } from '@mer/datasets';
import { writeFileAtomic } from '@mer/media';
import type { TrainingConfig } from '@mer/training';
import { clipMetrics, summariseMetrics } from './evaluation';
import type { PipelineMetrics } from './pipeline-types';
import type { Pipeline } from './pipeline';
import { loadPipeline } from './pipeline-loading';
import type { UtteranceFusionConfig } from './utterance-fusion';
import type { Selection } from './selection';
import type { TaskDefinition } from './tasks/task-definition';
import type { EpochRecord } from './trainer';
import { FeatureIndex, readFeatureIndex, recordedSpeaker, toItems, trainRun } from './workflow';

/** One fold's outcome: who was held out, which epoch was kept, and the held-out metrics. */
export interface FoldResult {
  fold: number;
  /** Speakers the fold tests on (never trained or selected on). */
  heldOut: string[];
  /** Training speakers that selected the epoch (the next fold's; with two folds, carved out of the training fold). */
  validation: string[];
  /** What selected the kept epoch (the first member's, for a committee). */
  selection?: Selection;
  trainItems: number;
  testItems: number;
  epochs: number;
  bestEpoch: number;
  /** The kept epoch's score on the inner validation speakers (macro-F1 or CCC); absent without them. */
  innerScore?: number;
  /** The kept epoch's headline figures on the inner validation speakers (e.g. uar, macroF1); a committee's: the members' means. */
  innerMetrics?: Record<string, number>;
  seconds: number;
  /** `summariseMetrics` of the held-out speakers. */
  metrics: Record<string, unknown>;
  /** A committee's members (`members` > 1); the fold's validation, trainItems, epochs and bestEpoch are the first member's. */
  members?: MemberResult[];
}

export interface CrossValidationResult {
  scheme: string;
  features: string;
  folds: FoldResult[];
  /** Mean and sample standard deviation over folds of each headline metric. */
  summary: Record<string, { mean: number; std: number }>;
}

/** The speaker of an item: recorded at extraction, else read from the dataset's file names. */
export function itemSpeaker(dataset: string, item: FeatureIndex['items'][number]): string {
  const speaker = recordedSpeaker(dataset, item);
  if (speaker === undefined) throw new Error(`${item.file}: item '${item.id}' names no speaker, and '${dataset.split(':')[0]}' file names do not either — cross-validation needs speakers`);
  return speaker;
}

const HEADLINE: Record<string, (m: Record<string, unknown>) => number> = {
  accuracy: (m) => m['accuracy'] as number,
  macroF1: (m) => m['macroF1'] as number,
  uar: (m) => m['uar'] as number,
  ccc: (m) => m['ccc'] as number,
  meanAccuracy: (m) => m['meanAccuracy'] as number,
  meanF1: (m) => m['meanF1'] as number,
  meanWeightedAccuracy: (m) => m['meanWeightedAccuracy'] as number,
  cccValence: (m) => (m['valence'] as { ccc: number } | undefined)?.ccc as number,
  cccArousal: (m) => (m['arousal'] as { ccc: number } | undefined)?.ccc as number,
};

/** Mean and sample standard deviation (n − 1; 0 for one value) of fold figures. */
export function meanStd(v: readonly number[]): { mean: number; std: number } {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return { mean, std: v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0 };
}

/** The headline figures of one metrics record (those it has). */
function headline(m: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, pick] of Object.entries(HEADLINE)) {
    const v = pick(m);
    if (typeof v === 'number' && Number.isFinite(v)) out[name] = v;
  }
  return out;
}

/** Mean and standard deviation of each headline figure over the records that have it. */
function figureStats(records: readonly Record<string, number>[]): Record<string, { mean: number; std: number }> {
  const out: Record<string, { mean: number; std: number }> = {};
  for (const name of Object.keys(HEADLINE)) {
    const v = records.map((r) => r[name]).filter((x) => x !== undefined);
    if (v.length > 0) out[name] = meanStd(v);
  }
  return out;
}

const summarise = (folds: readonly FoldResult[]): CrossValidationResult['summary'] => figureStats(folds.map((f) => headline(f.metrics)));

/** One committee member of a fold: the training speakers that selected its epoch, and that epoch. */
export interface MemberResult {
  member: number;
  validation: string[];
  selection?: Selection;
  epochs: number;
  bestEpoch: number;
  innerScore?: number;
  innerMetrics?: Record<string, number>;
  seconds: number;
}

/** Trains one network of a fold into `run` (resuming an interrupted one) and says which epoch it kept. */
async function trainMember(options: Parameters<typeof crossValidate>[0], run: string, splits: Map<string, string>, speakerOf: Map<string, string>, onEpoch?: (r: EpochRecord) => void): Promise<Omit<MemberResult, 'member'>> {
  const t0 = Date.now();
  const { history, selection } = await trainRun({
    features: options.features,
    out: run,
    preset: options.preset,
    profile: options.profile,
    training: options.training,
    model: options.model,
    utterance: options.utterance,
    resume: fs.existsSync(path.join(run, 'checkpoint', 'state.json')),
    // A fold folder belongs to cv: one stopped before its first checkpoint starts again.
    overwrite: !fs.existsSync(path.join(run, 'checkpoint', 'state.json')),
    resplit: (i) => splits.get(speakerOf.get(i.id)!)!,
    select: 'auto', // the fold's validation speakers are training speakers; the held-out ones are never read here
    onEpoch,
    onNote: options.onNote,
  });
  const best = history.filter((h) => h.best).pop();
  return {
    validation: selection.speakers ?? [],
    selection,
    epochs: history.length,
    bestEpoch: best?.epoch ?? history.length,
    innerScore: best?.validationScore,
    ...(best?.validation ? { innerMetrics: headline(best.validation) } : {}),
    seconds: (Date.now() - t0) / 1000,
  };
}

/**
 * Speaker-independent cross-validation on a features folder: for each fold its speakers are held out,
 * the next fold's speakers select the epoch (inner validation on training speakers only), the rest
 * train; the kept model is then scored on the held-out speakers. Each fold is its own run folder
 * (`<out>/fold-N`) with a `result.json`: a killed run resumes, skipping finished folds and resuming
 * an interrupted one from its checkpoint.
 *
 * `members` M > 1 (clip classification): each fold trains a committee of M networks, member m
 * selecting its epoch on the training speakers m + 1 folds on (`<out>/fold-N/member-m`), so every
 * member sees other training speakers and together they use all of them; the held-out speakers are
 * scored with the members' mean class probabilities. The fold's inner score is the members' mean.
 */
export async function crossValidate(options: {
  features: string;
  out: string;
  folds: FoldScheme | string;
  preset?: string;
  profile?: string;
  training?: Partial<TrainingConfig>;
  model?: Record<string, unknown>;
  /** Networks per fold (a committee over inner validation speakers); default 1. */
  members?: number;
  /** Late-fuse the features' utterance stream into each fold's network (`withUtteranceFusion`). */
  utterance?: Partial<UtteranceFusionConfig>;
  /** Start again when `out` holds folds run with other settings (otherwise refused). */
  overwrite?: boolean;
  /** How many folds there are, before the first runs. */
  onStart?: (folds: number) => void;
  onFold?: (r: FoldResult, resumed: 'done' | 'resumed' | 'new') => void;
  onEpoch?: (fold: number, r: EpochRecord) => void;
  /** What a fold's training decided that the caller should know (as `FitOptions.onNote`). */
  onNote?: (note: string) => void;
}): Promise<CrossValidationResult> {
  const scheme = typeof options.folds === 'string' ? parseFoldScheme(options.folds) : options.folds;
  const index = readFeatureIndex(options.features);
  const speakerOf = new Map(index.items.map((i) => [i.id, itemSpeaker(index.dataset, i)]));
  const folds = speakerFolds([...speakerOf.values()], scheme);
  const members = options.members ?? 1;
  if (!Number.isInteger(members) || members < 1) throw new Error(`members: ${members} is not a whole number ≥ 1`);
  if (members > 1 && !index.classes) throw new Error(`${options.features}: a committee of ${members} averages class probabilities; '${index.pipeline}' features have no classes (valence/arousal runs take members 1)`);
  if (members > 1 && members > folds.length - 2) throw new Error(`members: ${members} networks per fold need ${members + 2} speaker folds (each member validates on other training speakers), there are ${folds.length}`);
  const results: FoldResult[] = [];
  fs.mkdirSync(options.out, { recursive: true });
  checkSettings(options, String(scheme), members);
  options.onStart?.(folds.length);
  for (let k = 0; k < folds.length; k++) {
    const run = path.join(options.out, `fold-${k + 1}`);
    const resultFile = path.join(run, 'result.json');
    const heldOut = folds[k];
    if (fs.existsSync(resultFile)) {
      const done = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as FoldResult;
      if (done.heldOut.join(',') !== heldOut.join(',')) throw new Error(`${resultFile}: holds fold ${k + 1} of another split (${done.heldOut.join(', ')}); use another --out`);
      if ((done.members?.length ?? 1) !== members) throw new Error(`${resultFile}: fold ${k + 1} was run with ${done.members?.length ?? 1} member(s), not ${members}; use another --out`);
      results.push(done);
      options.onFold?.(done, 'done');
      continue;
    }
    const t0 = Date.now();
    const runs = members === 1 ? [run] : Array.from({ length: members }, (_, m) => path.join(run, `member-${m + 1}`));
    // Resumed: some network of the fold got past an epoch (a checkpoint) before the stop.
    const resumed = runs.some((d) => fs.existsSync(path.join(d, 'checkpoint', 'state.json')));
    const trained: MemberResult[] = [];
    for (const [m, dir] of runs.entries()) {
      const memberFile = path.join(dir, 'member.json');
      if (members > 1 && fs.existsSync(memberFile)) {
        trained.push(JSON.parse(fs.readFileSync(memberFile, 'utf8')) as MemberResult);
        continue;
      }
      const r: MemberResult = { member: m + 1, ...(await trainMember(options, dir, foldSplits(folds, k, m), speakerOf, (e) => options.onEpoch?.(k + 1, e))) };
      if (members > 1) writeFileAtomic(memberFile, JSON.stringify(r, null, 2));
      trained.push(r);
    }
    const splits = foldSplits(folds, k);
    const foldIndex = { ...index, items: index.items.map((i) => ({ ...i, split: splits.get(speakerOf.get(i.id)!) })) };
    const test = toItems(foldIndex, 'test');
    const metrics = summariseMetrics(await heldOutMetrics(runs, test, options.features, index));
    const inner = trained.map((t) => t.innerScore).filter((v): v is number => v !== undefined);
    const memberInner = trained.flatMap((t) => (t.innerMetrics ? [t.innerMetrics] : []));
    const innerMetrics = memberInner.length > 0 ? Object.fromEntries(Object.entries(figureStats(memberInner)).map(([n, v]) => [n, v.mean])) : undefined;
    const result: FoldResult = {
      fold: k + 1,
      heldOut,
      validation: trained[0].validation,
      selection: trained[0].selection,
      trainItems: toItems(foldIndex, 'train').length,
      testItems: test.length,
      epochs: trained[0].epochs,
      bestEpoch: trained[0].bestEpoch,
      innerScore: inner.length > 0 ? inner.reduce((a, b) => a + b, 0) / inner.length : undefined,
      ...(innerMetrics ? { innerMetrics } : {}),
      seconds: (Date.now() - t0) / 1000,
      metrics,
      ...(members > 1 ? { members: trained } : {}),
    };
    writeFileAtomic(resultFile, JSON.stringify(result, null, 2));
    results.push(result);
    options.onFold?.(result, resumed ? 'resumed' : 'new');
  }
  const out: CrossValidationResult = { scheme: String(scheme), features: path.resolve(options.features), folds: results, summary: summarise(results) };
  writeFileAtomic(path.join(options.out, 'cv.json'), JSON.stringify(out, null, 2));
  return out;
}

/**
 * `<out>/cv-settings.json`: what the folds in `out` were run with. Finished folds are reused only under
 * the same settings; other settings are refused, naming what changed, or (`overwrite`) start over.
 */
function checkSettings(options: Parameters<typeof crossValidate>[0], scheme: string, members: number): void {
  const file = path.join(options.out, 'cv-settings.json');
  const settings: Record<string, unknown> = { features: path.resolve(options.features), folds: scheme, preset: options.preset ?? null, profile: options.profile ?? null, training: options.training ?? {}, model: options.model ?? {}, members, ...(options.utterance ? { utterance: options.utterance } : {}) };
  const folds = () => fs.readdirSync(options.out).filter((d) => /^fold-\d+$/.test(d));
  if (fs.existsSync(file)) {
    const before = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    const changed = Object.keys(settings).filter((k) => JSON.stringify(before[k] ?? null) !== JSON.stringify(settings[k] ?? null));
    if (changed.length > 0 && !options.overwrite) {
      const what = changed.map((k) => `${k} ${JSON.stringify(before[k] ?? null)} → ${JSON.stringify(settings[k])}`).join('; ');
      throw new Error(`${options.out}: its folds were run with other settings (${what}); use another --out, or --overwrite to start over`);
    }
    if (changed.length === 0) return;
  } else if (folds().length > 0 && !options.overwrite) {
    throw new Error(`${options.out}: holds folds without a record of their settings (an older mer); use another --out, or --overwrite to start over`);
  }
  for (const d of folds()) fs.rmSync(path.join(options.out, d), { recursive: true, force: true });
  fs.rmSync(path.join(options.out, 'cv.json'), { force: true });
  writeFileAtomic(file, JSON.stringify(settings, null, 2));
}

/** The held-out metrics of one run, or of a committee's mean class probabilities. */
async function heldOutMetrics(runs: readonly string[], test: ReturnType<typeof toItems>, features: string, index: FeatureIndex): Promise<PipelineMetrics> {
  if (runs.length === 1) return withRun(runs[0], (p) => p.evaluate(test, { featuresDir: features }));
  let sum: Float32Array | null = null;
  let task: TaskDefinition | undefined;
  for (const run of runs) {
    const s = await withRun(run, (p) => ((task = p.task), p.scores(test, { featuresDir: features })));
    sum = sum ? sum.map((v, i) => v + s[i]) : s;
  }
  return clipMetrics(test, sum!.map((v) => v / runs.length), { classes: index.classes!, task });
}

/** Loads a run, uses it, disposes of it. */
async function withRun<T>(run: string, use: (p: Pipeline) => Promise<T>): Promise<T> {
  const p = await loadPipeline(run);
  try {
    return await use(p);
  } finally {
    p.dispose();
  }
}
