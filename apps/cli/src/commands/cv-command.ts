import { crossValidate, FoldResult, textTable } from '@mer/pipelines';
import { kernelCvCommand } from './kernel-cv-command';
import { Progress } from './progress';
import { readTrainingConfig } from './training-options';

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(3) : '—');

/** The per-fold table: held-out speakers, sizes, kept epoch and the headline metrics. */
function foldRow(f: FoldResult): string[] {
  const m = f.metrics;
  const va = 'ccc' in m;
  return [String(f.fold), f.heldOut.join(' '), String(f.trainItems), String(f.testItems), (f.members ?? [f]).map((r) => `${r.bestEpoch}/${r.epochs}`).join(' '), ...(va ? [num(m['ccc'])] : [num(m['uar']), num(m['macroF1']), num(m['accuracy'])])];
}

export async function cvCommand(opts: { features: string; out: string; folds: string; preset?: string; profile?: string; config?: string; epochs?: number; members?: number; utterance?: boolean; overwrite?: boolean; json?: boolean; estimator?: string }): Promise<void> {
  if (opts.estimator === 'kernel') return kernelCvCommand(opts);
  const { training, model, utterance: fusionHead } = readTrainingConfig(opts.config, opts.epochs);
  if (fusionHead && !opts.utterance) throw new Error(`${opts.config}: "utterance" sets the late-fused head; add --utterance to fuse the utterance stream`);
  const noted = new Set<string>();
  const bar = new Progress('cv folds', 0, { silent: opts.json, live: false });
  let foldsDone = 0;
  const result = await crossValidate({
    features: opts.features,
    out: opts.out,
    folds: opts.folds,
    preset: opts.preset,
    profile: opts.profile,
    training,
    model,
    members: opts.members,
    ...(opts.utterance ? { utterance: fusionHead ?? {} } : {}),
    overwrite: opts.overwrite,
    onStart: (folds) => bar.setTotal(folds),
    onNote: (note) => {
      if (!noted.has(note)) console.error(`note: ${note}`);
      noted.add(note);
    },
    onEpoch: (fold, r) => {
      if (!opts.json) process.stderr.write(`fold ${fold} epoch ${r.epoch}: train loss ${r.trainLoss.toFixed(4)}${r.validationScore !== undefined ? `, inner validation ${r.validationScore.toFixed(4)}` : ''}${r.best ? ' (best)' : ''}\n`);
    },
    onFold: (f, how) => {
      if (opts.json) console.log(JSON.stringify({ ...f, status: how }));
      else console.error(`fold ${f.fold} (${f.heldOut.join(', ')} held out) ${how === 'done' ? 'already done' : 'done'} in ${f.seconds.toFixed(1)} s`);
      bar.tick(++foldsDone, `fold ${f.fold}`);
    },
  });
  if (opts.json) {
    console.log(JSON.stringify({ summary: result.summary, scheme: result.scheme, folds: result.folds.length }));
    return;
  }
  const va = result.folds.some((f) => 'ccc' in f.metrics);
  const head = ['fold', 'held out', 'train', 'test', 'epoch', ...(va ? ['CCC'] : ['UAR', 'macro-F1', 'accuracy'])];
  const s = result.summary;
  const pm = (k: string) => (s[k] ? `${s[k].mean.toFixed(3)} ± ${s[k].std.toFixed(3)}` : '—');
  const foot = ['mean ± std', '', '', '', '', ...(va ? [pm('ccc')] : [pm('uar'), pm('macroF1'), pm('accuracy')])];
  console.log(textTable([head, ...result.folds.map(foldRow), foot], { rule: true }));
  console.log(`${result.folds.length} folds (${result.scheme}); per-fold runs and cv.json in ${opts.out}`);
}
