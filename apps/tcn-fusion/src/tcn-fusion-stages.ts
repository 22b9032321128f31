import type { TrainingStage } from '@mer/training';

/**
 * The paper's trainable stages (§3.7). Its first stage, pre-training IR-50 and VGGish, is the
 * extractors' (frozen encoders); then the TCNs of each branch are trained for the task, each with its
 * own VA head, while the cross-modal attention and the regressor stay as initialised; then the whole
 * architecture is trained end to end, from the branch stage's kept epoch.
 */
export const TCN_FUSION_STAGES: readonly TrainingStage[] = [
  {
    name: 'branches',
    about: 'paper §3.7: the TCNs of each branch trained for the task, a unimodal VA head per branch (attention and regressor untouched)',
    trains: ['visual_tcn', 'vggish_tcn', 'logmel_tcn'],
    heads: ['visual', 'vggish', 'logmel'],
  },
  {
    name: 'end-to-end',
    about: "paper §3.7: the entire architecture (TCNs, cross-modal attention, regressor) trained end to end from the branch stage's kept epoch",
    trains: 'all',
    startsFrom: 'best',
  },
];

/** A preset's stages: `paper` trains in the paper's two stages; the other presets in one, end to end. */
export function tcnFusionStages(preset: string): readonly TrainingStage[] | undefined {
  return preset === 'paper' ? TCN_FUSION_STAGES : undefined;
}
