import { crossValidateKernel, KernelFoldResult, textTable } from '@mer/pipelines';

const f3 = (v: number) => v.toFixed(3);

/** One fold: held-out speakers, sizes, what inner LOSO chose, its inner score, the held-out metrics. */
function foldRow(f: KernelFoldResult): string[] {
  return [String(f.fold), f.heldOut.join(' '), String(f.trainItems), String(f.testItems), `γ ${f.gammaScale}×scale, λ ${f.lambda}`, f3(f.innerScore), f3(f.metrics.uar), f3(f.metrics.macroF1), f3(f.metrics.accuracy)];
}

/**
 * `mer cv --estimator kernel`: speaker-independent cross-validation of the RBF kernel ridge estimator on
 * an utterance-level stream (e.g. `--stream audio=speech-functionals`), γ and λ chosen per fold by
 * leave-one-speaker-out over the training speakers only.
 */
export async function kernelCvCommand(opts: { features: string; out: string; folds: string; json?: boolean }): Promise<void> {
  const result = await crossValidateKernel({
    features: opts.features,
    folds: opts.folds,
    out: opts.out,
    onFold: (f) => {
      if (opts.json) console.log(JSON.stringify(f));
      else console.error(`fold ${f.fold} (${f.heldOut.join(', ')} held out): ${f.seconds.toFixed(1)} s`);
    },
  });
  if (opts.json) {
    console.log(JSON.stringify({ estimator: result.estimator, summary: result.summary, scheme: result.scheme, folds: result.folds.length, selectedBy: result.selectedBy }));
    return;
  }
  const s = result.summary;
  const pm = (k: keyof typeof s) => `${f3(s[k].mean)} ± ${f3(s[k].std)}`;
  const head = ['fold', 'held out', 'train', 'test', 'chosen', 'inner UAR', 'UAR', 'macro-F1', 'accuracy'];
  console.log(textTable([head, ...result.folds.map(foldRow), ['mean ± std', '', '', '', '', pm('innerScore'), pm('uar'), pm('macroF1'), pm('accuracy')]], { rule: true }));
  console.log(`${result.folds.length} folds (${result.scheme}), each speaker standardised with their own statistics; chosen by ${result.selectedBy}; kernel-cv.json in ${opts.out}`);
}
