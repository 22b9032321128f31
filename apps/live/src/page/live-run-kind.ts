import { UTTERANCE_EXTRACTORS } from '@mer/feature-extractors';
import { clipRunProblem, PipelineManifest, utteranceRunProblem } from '@mer/pipelines';
import { clipPlan, ClipPlan, PAGE_FACE_EXTRACTOR, PAGE_MFCC_EXTRACTOR } from './clip-streams';

/**
 * How the page scores a trained run (`mer live --run`): each utterance heard ('utterance': a clip
 * classifier on speech functionals, e.g. speech-kernel), or clips of the camera and microphone (a
 * {@link ClipPlan}: AVT-CA on faces and MFCCs); otherwise why it cannot, naming what the run has. The
 * server refuses such a run before it starts; the page checks again.
 */
export function liveRunKind(m: PipelineManifest): { kind: 'utterance' } | { kind: 'clip'; plan: ClipPlan } | { kind: 'refused'; problem: string } {
  const general = clipRunProblem(m);
  const takes = `mer live --run takes utterance-level runs (a clip classifier on ${Object.keys(UTTERANCE_EXTRACTORS).join(', ')}, e.g. speech-kernel) and clip runs on ${PAGE_FACE_EXTRACTOR} + ${PAGE_MFCC_EXTRACTOR} (avt-ca --preset lite or features)`;
  if (general) return { kind: 'refused', problem: `${takes}; this is ${general}` };
  if (utteranceRunProblem(m) === null) return { kind: 'utterance' };
  const plan = clipPlan(m);
  if (typeof plan === 'string') return { kind: 'refused', problem: `${takes}; this run has ${plan}` };
  return { kind: 'clip', plan };
}
