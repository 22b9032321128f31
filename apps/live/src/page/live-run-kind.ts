import { type FaceEmbedderModel, UTTERANCE_EXTRACTORS } from '@mer/feature-extractors';
import { clipRunProblem, frameRunProblem, PipelineManifest, utteranceRunProblem } from '@mer/pipelines';
import { clipPlan, ClipPlan, framePlan, FramePlan, PAGE_FACE_EXTRACTORS, PAGE_FACERES_EXTRACTORS, PAGE_FRAME_AUDIO, PAGE_MFCC_EXTRACTOR, PAGE_PIXEL_EXTRACTORS } from './run-streams';

/** How the page scores a run, or why it cannot. */
export type LiveRunKind = { kind: 'utterance' } | { kind: 'clip'; plan: ClipPlan } | { kind: 'frame'; plan: FramePlan } | { kind: 'refused'; problem: string };

/** The shipped face model whose graph a run's face rows are embedded with, or null (no face stream, or the crops' pixels). */
export function runFaceModel(kind: LiveRunKind): FaceEmbedderModel | null {
  if (kind.kind === 'clip') return kind.plan.pixels ? null : kind.plan.model;
  if (kind.kind === 'frame') return kind.plan.face?.model ?? null;
  return null;
}

/**
 * How the page scores a trained run (`mer live --run`): each utterance heard ('utterance': a clip
 * classifier on speech functionals, e.g. speech-kernel), clips of the camera and microphone ('clip':
 * AVT-CA on faces or face crops and MFCCs), or valence/arousal frame by frame ('frame': MAVEN, TCN-fusion on their
 * offline streams); otherwise why it cannot, naming what the run has. The server refuses such a run
 * before it starts; the page checks again.
 */
export function liveRunKind(m: PipelineManifest): LiveRunKind {
  const faces = Object.keys(PAGE_FACE_EXTRACTORS).join(' or ');
  const crops = Object.keys(PAGE_PIXEL_EXTRACTORS).join(' or ');
  const takes = `mer live --run takes utterance-level runs (a clip classifier on ${Object.keys(UTTERANCE_EXTRACTORS).join(', ')}, e.g. speech-kernel), clip runs on ${faces} + ${PAGE_MFCC_EXTRACTOR} (avt-ca --preset lite or features; ${Object.keys(PAGE_FACERES_EXTRACTORS).join(' or ')} with --visual-model faceres) or on ${crops} + ${PAGE_MFCC_EXTRACTOR} (avt-ca's paper preset: face crops) and per-frame valence/arousal runs on ${faces} (or ${Object.keys(PAGE_FACERES_EXTRACTORS).join(' or ')}) + ${Object.keys(PAGE_FRAME_AUDIO).join(', ')} (maven, tcn-fusion --preset lite or features)`;
  const frame = frameRunProblem(m);
  if (frame === null) {
    const plan = framePlan(m);
    return typeof plan === 'string' ? { kind: 'refused', problem: `${takes}; this run has ${plan}` } : { kind: 'frame', plan };
  }
  const general = clipRunProblem(m);
  if (general) return { kind: 'refused', problem: `${takes}; this is ${general}` };
  if (utteranceRunProblem(m) === null) return { kind: 'utterance' };
  const plan = clipPlan(m);
  if (typeof plan === 'string') return { kind: 'refused', problem: `${takes}; this run has ${plan}` };
  return { kind: 'clip', plan };
}
