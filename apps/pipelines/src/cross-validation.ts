import * as fs from 'node:fs';
import * as path from 'node:path';
import { FoldScheme, foldSplits, parseEmoDbName, parseFoldScheme, parseRavdessName, speakerFolds } from '@mer/datasets';
import { writeFileAtomic } from '@mer/media';
import type { TrainingConfig } from '@mer/training';
import { summariseMetrics } from './evaluation';
import { loadPipeline } from './pipeline';
import type { EpochRecord } from './trainer';
import { FeatureIndex, readFeatureIndex, toItems, trainRun } from './workflow';

/** One fold's outcome: who was held out, which epoch was kept, and the held-out metrics. */
export interface FoldResult {
  fold: number;
  /** Speakers the fold tests on (never trained or selected on). */
  heldOut: string[];
  /** Training speakers that selected the epoch (inner validation); empty with two folds. */
  validation: string[];
  trainItems: number;
  testItems: number;
  epochs: number;
  bestEpoch: number;
  /** The kept epoch's score on the inner validation speakers (macro-F1 or CCC); absent without them. */
  innerScore?: number;
  seconds: number;
  /** `summariseMetrics` of the held-out speakers. */
  metrics: Record<string, unknown>;
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
  if (item.speaker) return item.speaker;
  const kind = dataset.split(':')[0];
  const name = path.basename(item.file);
  if (kind === 'emodb') return parseEmoDbName(name).speaker;
  if (kind === 'ravdess') return String(parseRavdessName(name).actor).padStart(2, '0');
  if (kind === 'crema-d') return name.split('_')[0];
  throw new Error(`${item.file}: item '${item.id}' names no speaker, and '${kind}' file names do not either — cross-validation needs speakers`);
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

function summarise(folds: readonly FoldResult[]): CrossValidationResult['summary'] {
  const out: CrossValidationResult['summary'] = {};
  for (const [name, pick] of Object.entries(HEADLINE)) {
    const v = folds.map((f) => pick(f.metrics)).filter((x) => typeof x === 'number' && Number.isFinite(x));
    if (v.length === 0) continue;
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0;
    out[name] = { mean, std };
  }
  return out;
}

/**
 * Speaker-independent cross-validation on a features folder: for each fold its speakers are held out,
 * the next fold's speakers select the epoch (inner validation on training speakers only), the rest
 * train; the kept model is then scored on the held-out speakers. Each fold is its own run folder
 * (`<out>/fold-N`) with a `result.json`: a killed run resumes, skipping finished folds and resuming
 * an interrupted one from its checkpoint.
 */
export async function crossValidate(options: {
  features: string;
  out: string;
  folds: FoldScheme | string;
  preset?: string;
  profile?: string;
  training?: Partial<TrainingConfig>;
  model?: Record<string, unknown>;
  onFold?: (r: FoldResult, resumed: 'done' | 'resumed' | 'new') => void;
  onEpoch?: (fold: number, r: EpochRecord) => void;
}): Promise<CrossValidationResult> {
  const scheme = typeof options.folds === 'string' ? parseFoldScheme(options.folds) : options.folds;
  const index = readFeatureIndex(options.features);
  const speakerOf = new Map(index.items.map((i) => [i.id, itemSpeaker(index.dataset, i)]));
  const folds = speakerFolds([...speakerOf.values()], scheme);
  const results: FoldResult[] = [];
  fs.mkdirSync(options.out, { recursive: true });
  for (let k = 0; k < folds.length; k++) {
    const run = path.join(options.out, `fold-${k + 1}`);
    const resultFile = path.join(run, 'result.json');
    const splits = foldSplits(folds, k);
    const heldOut = folds[k];
    if (fs.existsSync(resultFile)) {
      const done = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as FoldResult;
      if (done.heldOut.join(',') !== heldOut.join(',')) throw new Error(`${resultFile}: holds fold ${k + 1} of another split (${done.heldOut.join(', ')}); use another --out`);
      results.push(done);
      options.onFold?.(done, 'done');
      continue;
    }
    const t0 = Date.now();
    const resume = fs.existsSync(path.join(run, 'checkpoint', 'state.json'));
    const resplit = (i: FeatureIndex['items'][number]) => splits.get(speakerOf.get(i.id)!)!;
    const { history } = await trainRun({
      features: options.features,
      out: run,
      preset: options.preset,
      profile: options.profile,
      training: options.training,
      model: options.model,
      resume,
      resplit,
      selectOn: 'validation',
      onEpoch: (r) => options.onEpoch?.(k + 1, r),
    });
    const foldIndex = { ...index, items: index.items.map((i) => ({ ...i, split: resplit(i) })) };
    const test = toItems(foldIndex, 'test');
    const p = await loadPipeline(run);
    let metrics: Record<string, unknown>;
    try {
      metrics = summariseMetrics(await p.evaluate(test, { featuresDir: options.features }));
    } finally {
      p.dispose();
    }
    const best = history.filter((h) => h.best).pop();
    const result: FoldResult = {
      fold: k + 1,
      heldOut,
      validation: [...splits].filter(([, s]) => s === 'validation').map(([sp]) => sp),
      trainItems: toItems(foldIndex, 'train').length,
      testItems: test.length,
      epochs: history.length,
      bestEpoch: best?.epoch ?? history.length,
      innerScore: best?.validationScore,
      seconds: (Date.now() - t0) / 1000,
      metrics,
    };
    writeFileAtomic(resultFile, JSON.stringify(result, null, 2));
    results.push(result);
    options.onFold?.(result, resume ? 'resumed' : 'new');
  }
  const out: CrossValidationResult = { scheme: String(scheme), features: path.resolve(options.features), folds: results, summary: summarise(results) };
  writeFileAtomic(path.join(options.out, 'cv.json'), JSON.stringify(out, null, 2));
  return out;
}
