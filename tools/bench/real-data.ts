/**
 * `npm run bench:real-data [-- <emodb-dir>] [--work <dir>] [--configs a,b] [--fresh a,b] [--re-extract] [--parallel 2]`
 *
 * Speaker-independent speech emotion on real recordings: leave-one-speaker-out over the EmoDB folder
 * (8 speakers, 421 utterances; ../shared/data/emodb by default) for AVT-CA (audio path: the clips have
 * no video) with each offline audio encoder, training profile, standardisation and committee size,
 * beside an independent classic peer (tools/reference/real_data_peer.py, scikit-learn, run with
 * Debian's python3; as published and per-speaker standardised) on the same folds.
 * Every mer fold selects its epoch on an inner validation speaker taken from the training speakers;
 * the default configuration is chosen by the mean inner UAR on training speakers, never by the held-out
 * speakers. Prints a JSON line per fold and per system, then a table. Feature stores and fold runs
 * are kept in --work, so a stopped run resumes. A benchmark, not a test: ~2.5 h on 2 cores from scratch.
 *
 * Kernel rows (`estimator: 'kernel'`, e.g. `--configs speech-functionals-kernel`, ~1 min) fit @mer/heads'
 * RBF kernel ridge on utterance-level functionals (`crossValidateKernel`): γ and λ chosen per fold by
 * leave-one-speaker-out over the training speakers. The rule that picks the default: every row is ranked
 * by its mean inner UAR on training speakers only (held-out speakers never rank): a kernel row's inner
 * leave-one-speaker-out UAR, a network row's UAR on its validation speakers at the kept epoch (one per
 * committee member; it also chose the epoch, so it leans optimistic, which favours networks).
 * `--ceiling` also runs tools/reference/real_data_ceiling.py (scikit-learn) on the same folders in this run.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crossValidateKernel } from '@mer/pipelines';

const root = path.join(__dirname, '../..');
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const data = path.resolve(args.find((a, i) => !a.startsWith('--') && !(args[i - 1]?.startsWith('--') && args[i - 1] !== '--re-extract')) ?? path.join(root, '../shared/data/emodb'));
const work = path.resolve(flag('--work') ?? path.join(os.tmpdir(), 'mer-bench-real-data'));
const parallel = Number(flag('--parallel') ?? 2);

interface Config {
  id: string;
  audio: string;
  /** Seconds per clip at extraction (`--clip-seconds`); default AVT-CA's 3.6 (EmoDB's 2 s utterances zero-padded). */
  clipSeconds?: number;
  /** Network rows: the training profile; kernel rows have none. */
  profile?: string;
  /** 'kernel': the closed-form kernel ridge estimator with inner leave-one-speaker-out (no network). */
  estimator?: 'kernel';
  training?: Record<string, unknown>;
  /** Networks per fold (`mer cv --members`): a committee, each member selecting on other training speakers. */
  members?: number;
  /** Late-fuse the speech functionals (`--stream utterance=speech-functionals`, `mer cv --utterance`). */
  utterance?: boolean;
  about: string;
}

// Rows run with a former small-data profile say so in their overrides, so they reproduce: standardised
// by the training split (before session 7), and weight decay 0.01 (before session 6).
const SPLIT = { standardise: 'split' };
const WD_0_01 = { ...SPLIT, weightDecay: 0.01 };
const CONFIGS: Config[] = [
  { id: 'mfcc-paper-lr1e-3', audio: 'mfcc', profile: 'paper', training: { learningRate: 1e-3, epochs: 30 }, about: "AVT-CA lite, MFCC (the offline default), the paper's Adam at lr 1e-3, 30 epochs" },
  { id: 'mfcc-small-data-split', audio: 'mfcc', profile: 'small-data', training: SPLIT, about: 'AVT-CA lite, MFCC, small-data profile (weight decay 0.1) standardised by the training split (the profile of session 6)' },
  { id: 'mfcc-small-data-wd1e-2', audio: 'mfcc', profile: 'small-data', training: WD_0_01, about: 'AVT-CA lite, MFCC, small-data profile with weight decay 0.01 (the profile before session 6)' },
  { id: 'egemaps-paper-lr1e-3', audio: 'egemaps', profile: 'paper', training: { learningRate: 1e-3, epochs: 30 }, about: "AVT-CA lite, eGeMAPS descriptors, the paper's Adam at lr 1e-3, 30 epochs" },
  { id: 'egemaps-small-data-wd1e-2', audio: 'egemaps', profile: 'small-data', training: WD_0_01, about: 'AVT-CA lite, eGeMAPS descriptors, small-data profile, weight decay 0.01' },
  { id: 'mfcc-small-data-wd1e-2-mixup0.2', audio: 'mfcc', profile: 'small-data', training: { ...WD_0_01, mixup: 0.2 }, about: 'AVT-CA lite, MFCC, small-data profile (weight decay 0.01) with mixup α = 0.2' },
  { id: 'mfcc-small-data-wd1e-2-mixup0.4', audio: 'mfcc', profile: 'small-data', training: { ...WD_0_01, mixup: 0.4 }, about: 'AVT-CA lite, MFCC, small-data profile (weight decay 0.01) with mixup α = 0.4' },
  { id: 'mfcc-small-data-wd1e-2-lr3e-4', audio: 'mfcc', profile: 'small-data', training: { ...WD_0_01, learningRate: 3e-4 }, about: 'AVT-CA lite, MFCC, small-data profile (weight decay 0.01) at lr 3e-4' },
  { id: 'mfcc-2s-small-data-wd1e-2', audio: 'mfcc', clipSeconds: 2, profile: 'small-data', training: WD_0_01, about: 'AVT-CA lite, MFCC of 2 s clips (no padding), small-data profile (weight decay 0.01)' },
  { id: 'mfcc-small-data-split-members3', audio: 'mfcc', profile: 'small-data', training: SPLIT, members: 3, about: 'AVT-CA lite, MFCC, small-data profile of session 6 (split standardisation), a committee of 3 networks per fold, each selecting on another training speaker' },
  { id: 'mfcc-small-data-speaker', audio: 'mfcc', profile: 'small-data', training: { standardise: 'speaker' }, about: 'AVT-CA lite, MFCC, small-data profile: weight decay 0.1, each speaker standardised with their own statistics' },
  { id: 'mfcc-small-data-speaker-members3', audio: 'mfcc', profile: 'small-data', training: { standardise: 'speaker' }, members: 3, about: 'AVT-CA lite, MFCC, small-data profile (weight decay 0.1), per-speaker standardisation, a committee of 3 per fold' },
  { id: 'mfcc-small-data-speaker-mean-pool', audio: 'mfcc', profile: 'small-data', training: { standardise: 'speaker', model: { pooling: 'mean' } }, about: "AVT-CA lite with mean pooling over time (the official code's), MFCC, small-data profile, per-speaker standardisation" },
  { id: 'mfcc-small-data-speaker-mean-pool-members3', audio: 'mfcc', profile: 'small-data', training: { standardise: 'speaker', model: { pooling: 'mean' } }, members: 3, about: 'AVT-CA lite with mean pooling, MFCC, small-data profile, per-speaker standardisation, a committee of 3 per fold' },
  { id: 'mfcc-small-data-speaker-mean-pool-dropout0.3', audio: 'mfcc', profile: 'small-data', training: { standardise: 'speaker', model: { pooling: 'mean', dropout: 0.3 } }, about: 'AVT-CA lite with mean pooling and dropout 0.3 (0.1), MFCC, small-data profile, per-speaker standardisation' },
  { id: 'egemaps-small-data-speaker', audio: 'egemaps', profile: 'small-data', training: { standardise: 'speaker' }, about: 'AVT-CA lite, eGeMAPS descriptors, small-data profile (weight decay 0.1, per-speaker standardisation)' },
  { id: 'egemaps-2s-small-data-wd1e-2', audio: 'egemaps', clipSeconds: 2, profile: 'small-data', training: WD_0_01, about: 'AVT-CA lite, eGeMAPS descriptors of 2 s clips (no padding), small-data profile (weight decay 0.01)' },
  { id: 'mfcc-small-data-speaker-utterance', audio: 'mfcc', profile: 'small-data', training: { standardise: 'speaker' }, utterance: true, about: 'AVT-CA lite, MFCC, small-data profile, per-speaker standardisation, with the speech functionals late-fused into the logits (--utterance)' },
  { id: 'mfcc-small-data-speaker-utterance-members3', audio: 'mfcc', profile: 'small-data', training: { standardise: 'speaker' }, utterance: true, members: 3, about: 'AVT-CA lite, MFCC, small-data profile, per-speaker standardisation, speech functionals late-fused (--utterance), a committee of 3 per fold' },
  { id: 'speech-functionals-kernel', audio: 'speech-functionals', estimator: 'kernel', about: 'speech functionals of the whole recording (336), per-speaker standardised → RBF kernel ridge, class-balanced; γ, λ by inner LOSO on the training speakers' },
];
const chosen = flag('--configs') ? CONFIGS.filter((c) => flag('--configs')!.split(',').includes(c.id)) : CONFIGS;
// --fresh a,b: those rows' stored folds are discarded and run again; --re-extract: the chosen rows'
// feature folders too (after an extractor change the feature store rightly refuses to mix them).
const fresh = new Set(flag('--fresh')?.split(',') ?? []);
const unknownRows = [...fresh, ...(flag('--configs')?.split(',') ?? [])].filter((id) => !CONFIGS.some((c) => c.id === id));
if (unknownRows.length > 0) throw new Error(`unknown row(s) ${unknownRows.join(', ')}; rows: ${CONFIGS.map((c) => c.id).join(', ')}`);
const reExtract = args.includes('--re-extract');

function mer(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'apps/cli/src/main.ts'), ...argv], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** The features folder of a configuration's audio extractor and clip length. */
const featureKey = (c: Config) => `${c.audio}${c.clipSeconds ? `-${c.clipSeconds}s` : ''}${c.utterance ? '+utterance' : ''}`;

async function extract(c: Config): Promise<string> {
  const { audio } = c;
  const out = path.join(work, `features-${featureKey(c)}`);
  if (reExtract) fs.rmSync(out, { recursive: true, force: true });
  const r = await mer(['extract', '--pipeline', 'avt-ca', '--preset', 'lite', '--dataset', `emodb:${data}`, '--out', out, '--faces', 'none', '--stream', `audio=${audio}`, ...(c.utterance ? ['--stream', 'utterance=speech-functionals'] : []), ...(c.clipSeconds ? ['--clip-seconds', String(c.clipSeconds)] : []), '--json']);
  if (r.code !== 0) throw new Error(`extract ${audio}: ${r.stderr}`);
  return out;
}

interface Fold {
  fold: number;
  heldOut: string[];
  /** Network rows: the kept epoch's macro-F1 on one inner validation speaker; kernel rows: the inner-LOSO UAR of the chosen γ, λ. */
  innerScore?: number;
  /** Network rows: the kept epoch's figures on the inner validation speakers (a committee's: the members' mean). */
  innerMetrics?: { uar?: number };
  bestEpoch: number;
  epochs: number;
  seconds: number;
  metrics: { uar: number; macroF1: number; accuracy: number };
}

/** A kernel row: inner-LOSO selection and closed-form fits, in this process. */
async function runKernel(c: Config, features: string): Promise<{ config: Config; folds: Fold[]; seconds: number }> {
  const t0 = Date.now();
  const r = await crossValidateKernel({ features, folds: 'loso', out: path.join(work, `cv-${c.id}`) });
  const folds = r.folds.map((f) => ({ ...f, bestEpoch: 0, epochs: 0, selected: `γ ${f.gammaScale}×scale, λ ${f.lambda}` }));
  return { config: c, folds, seconds: (Date.now() - t0) / 1000 };
}

async function runConfig(c: Config, features: string): Promise<{ config: Config; folds: Fold[]; seconds: number }> {
  if (c.estimator === 'kernel') return runKernel(c, features);
  const t0 = Date.now();
  const out = path.join(work, `cv-${c.id}`);
  if (fresh.has(c.id)) fs.rmSync(out, { recursive: true, force: true });
  const config = path.join(work, `${c.id}.json`);
  fs.writeFileSync(config, JSON.stringify(c.training ?? {}));
  const r = await mer(['cv', '--features', features, '--out', out, '--folds', 'loso', '--preset', 'lite', '--profile', c.profile ?? 'small-data', '--config', config, ...(c.members ? ['--members', String(c.members)] : []), ...(c.utterance ? ['--utterance'] : []), '--json']);
  if (r.code !== 0) throw new Error(`cv ${c.id}: ${r.stderr}`);
  const cv = JSON.parse(fs.readFileSync(path.join(out, 'cv.json'), 'utf8')) as { folds: Fold[] };
  return { config: c, folds: cv.folds, seconds: (Date.now() - t0) / 1000 };
}

const stats = (v: number[]) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const s = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0;
  return { mean: +m.toFixed(4), std: +s.toFixed(4) };
};

async function main(): Promise<void> {
  if (!fs.existsSync(data)) throw new Error(`${data}: no EmoDB folder (give its path)`);
  fs.mkdirSync(work, { recursive: true });
  const t0 = Date.now();
  // The peers first (seconds): as published (global standardisation) and with each speaker standardised
  // with their own statistics (the counterpart of mer's "standardise": "speaker" rows); then mer's
  // configurations, `parallel` at a time (tfjs-wasm runs on one thread each).
  type PeerRow = { uar: number; macroF1: number; accuracy: number };
  const peers: { id: 'split' | 'speaker'; name: string; rows: PeerRow[] }[] = [];
  for (const [id, extra, name] of [
    ['split', [], 'peer: MFCC+Δ stats → logistic regression (scikit-learn)'],
    ['speaker', ['--speaker-norm'], 'peer, per-speaker standardised'],
  ] as const) {
    const py = spawnSync('/usr/bin/python3', [path.join(root, 'tools/reference/real_data_peer.py'), data, ...extra], { encoding: 'utf8' });
    if (py.status !== 0) throw new Error(`peer: ${py.stderr}`);
    const lines = py.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const l of lines) console.log(JSON.stringify({ bench: 'real-data', ...l }));
    peers.push({ id, name, rows: lines.filter((l) => 'fold' in l) as unknown as PeerRow[] });
  }
  type CeilingRow = { features: string; model: string; uar: [number, number]; inner_uar: number; seconds: number };
  const ceiling: CeilingRow[] = [];
  const featureDirs: Record<string, string> = {};
  for (const c of chosen) featureDirs[featureKey(c)] ??= await extract(c);
  if (args.includes('--ceiling')) {
    // The scikit-learn ceiling (per-speaker rows) on this run's folders: eGeMAPS descriptors (3.6 s clips) and the speech functionals.
    const egemaps = (featureDirs['egemaps'] ??= await extract({ id: 'ceiling', audio: 'egemaps', about: '' }));
    const functionals = (featureDirs['speech-functionals'] ??= await extract({ id: 'ceiling', audio: 'speech-functionals', about: '' }));
    const py = spawnSync('/usr/bin/python3', [path.join(root, 'tools/reference/real_data_ceiling.py'), data, egemaps, '--functionals', functionals, '--only', 'per-speaker'], { encoding: 'utf8' });
    if (py.status !== 0) throw new Error(`ceiling: ${py.stderr}`);
    for (const l of py.stdout.trim().split('\n')) {
      const row = JSON.parse(l) as CeilingRow;
      console.log(JSON.stringify({ bench: 'real-data', ceiling: row }));
      ceiling.push(row);
    }
  }
  const results: Awaited<ReturnType<typeof runConfig>>[] = [];
  const queue = [...chosen];
  await Promise.all(
    Array.from({ length: Math.max(1, parallel) }, async () => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        const r = await runConfig(c, featureDirs[featureKey(c)]);
        for (const f of r.folds) {
          const inner = c.estimator === 'kernel' ? { inner_loso_uar: f.innerScore, selected: (f as Fold & { selected?: string }).selected } : { inner_uar: f.innerMetrics?.uar, inner_macroF1: f.innerScore, epoch: `${f.bestEpoch}/${f.epochs}` };
          console.log(JSON.stringify({ bench: 'real-data', system: `mer ${c.id}`, fold: f.heldOut.join(','), ...inner, ...f.metrics }));
        }
        results.push(r);
      }
    }),
  );
  const table: string[][] = [['system', 'UAR', 'macro-F1', 'accuracy', 'inner UAR (ranks the rows)', 'wall s']];
  const pm = (s: { mean: number; std: number }) => `${s.mean.toFixed(3)} ± ${s.std.toFixed(3)}`;
  for (const peer of peers) {
    const r = peer.rows;
    table.push([peer.name, pm(stats(r.map((x) => x.uar))), pm(stats(r.map((x) => x.macroF1))), pm(stats(r.map((x) => x.accuracy))), '(inner LOSO picks C)', '']);
  }
  for (const c of ceiling) {
    table.push([`ceiling (scikit-learn, per speaker): ${c.features}, ${c.model}`, `${c.uar[0].toFixed(3)} ± ${c.uar[1].toFixed(3)}`, '', '', `${c.inner_uar.toFixed(3)} inner-LOSO UAR`, c.seconds.toFixed(0)]);
  }
  const classes = new Set(fs.readdirSync(data).filter((f) => f.endsWith('.wav')).map((f) => f[5])).size;
  table.push([`chance (${classes} classes)`, (1 / classes).toFixed(3), '', '', '', '']);
  // Every row's inner UAR, on training speakers only: kernel rows, leave-one-speaker-out over the training
  // speakers for the chosen γ, λ; network rows, the kept epoch's UAR on the validation speakers (one per
  // member, so a committee of M sees M of them), which also chose that epoch, so it leans optimistic.
  const innerUar = (c: Config, f: Fold) => (c.estimator === 'kernel' ? f.innerScore : f.innerMetrics?.uar);
  const summaries = results.map((r) => {
    const inner = r.folds.map((f) => innerUar(r.config, f));
    const s = {
      id: r.config.id,
      about: r.config.about,
      uar: stats(r.folds.map((f) => f.metrics.uar)),
      macroF1: stats(r.folds.map((f) => f.metrics.macroF1)),
      accuracy: stats(r.folds.map((f) => f.metrics.accuracy)),
      inner: inner.every((v) => v !== undefined) ? stats(inner as number[]) : undefined,
      innerOn: r.config.estimator === 'kernel' ? 'inner LOSO' : `${r.config.members ?? 1} val. speaker${(r.config.members ?? 1) > 1 ? 's' : ''}`,
      seconds: r.seconds,
    };
    console.log(JSON.stringify({ bench: 'real-data', system: `mer ${s.id}`, summary: s }));
    table.push([`mer ${s.id}`, pm(s.uar), pm(s.macroF1), pm(s.accuracy), s.inner ? `${pm(s.inner)} (${s.innerOn})` : 'none recorded (--fresh)', s.seconds.toFixed(0)]);
    return s;
  });
  // The declared rule: every row is ranked by its mean inner UAR on training speakers; held-out speakers
  // never rank. A row whose stored folds predate the inner figures is not ranked until run --fresh.
  const ranked = summaries.filter((s) => s.inner).sort((a, b) => b.inner!.mean - a.inner!.mean);
  const best = ranked[0];
  for (const s of summaries.filter((x) => !x.inner)) console.log(`not ranked: ${s.id} (its folds record no inner UAR; rerun with --fresh ${s.id})`);
  // The selected row is compared with the peer standardised the same way.
  const bestConfig = best && chosen.find((c) => c.id === best.id);
  const matching = peers.find((p) => p.id === (bestConfig?.estimator === 'kernel' || bestConfig?.training?.['standardise'] === 'speaker' ? 'speaker' : 'split'))!;
  const peerUar = stats(matching.rows.map((r) => r.uar)).mean;
  console.log(JSON.stringify({ bench: 'real-data', ranking: ranked.map((s) => ({ id: s.id, inner_uar: s.inner!.mean, outer_uar: s.uar.mean })), selected: best?.id, selected_by: 'mean inner UAR on training speakers only', selected_uar: best?.uar, compared_with: matching.name, peer_uar: peerUar, difference: best ? +(best.uar.mean - peerUar).toFixed(4) : null, seconds: (Date.now() - t0) / 1000 }));
  const widths = table[0].map((_, j) => Math.max(...table.map((r) => r[j].length)));
  for (const [i, r] of table.entries()) {
    console.log(r.map((c, j) => c.padEnd(widths[j])).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  console.log(`selected by mean inner UAR (training speakers only): ${best?.id}; folds: ${peers[0].rows.length} (leave one speaker out); wall ${((Date.now() - t0) / 60000).toFixed(1)} min; work dir ${work}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
