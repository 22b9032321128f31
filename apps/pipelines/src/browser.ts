/**
 * The part of this package a browser page runs (`mer live --run`): a trained clip classifier held as
 * bytes, scoring clips whose rows the page computed ({@link ClipRun}: AVT-CA on the camera's faces and
 * the microphone's MFCCs) or utterances ({@link UtteranceRun}: speech-kernel on speech functionals), as
 * `mer predict --speaker` scores recordings. A page bundler resolves `@mer/pipelines` here (apps/live's
 * bundle does). Also exported by `index.ts`. Of the built-in networks it registers the two whose runs
 * a page scores, AVT-CA and speech-kernel. MAVEN and TCN-fusion regress valence/arousal per frame from
 * per-frame face, log-mel + eGeMAPS (and, for MAVEN, transcript) streams that a page does not compute
 * yet; a page bundle holds none of their code.
 */
import { avtCaRecipe } from '@mer/avt-ca';
import { registerNetwork } from '@mer/training';
import { speechKernelRecipe } from './speech-kernel-recipe';

registerNetwork(speechKernelRecipe);
registerNetwork(avtCaRecipe);

export { ClipRun, clipRunProblem } from './clip-run';
export type { ClipRows, ClipScore } from './clip-run';
export { UtteranceRun, utteranceRunProblem } from './utterance-run';
export type { UtteranceScore } from './utterance-run';
export type { PipelineManifest } from './pipeline-manifest';
