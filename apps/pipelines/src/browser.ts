/**
 * The part of this package a browser page runs (`mer live --run`): a trained utterance-level run held
 * as bytes ({@link UtteranceRun}), scoring utterances as `mer predict --speaker` scores recordings. A
 * page bundler resolves `@mer/pipelines` here (apps/live's bundle does). Also exported by `index.ts`.
 * Of the built-in networks it registers only speech-kernel, the one whose runs a page scores from
 * samples (the others need per-frame streams): a page bundle then holds no other network's code.
 */
import { registerNetwork } from '@mer/training';
import { speechKernelRecipe } from './speech-kernel-recipe';

registerNetwork(speechKernelRecipe);

export { UtteranceRun, utteranceRunProblem } from './utterance-run';
export type { UtteranceScore } from './utterance-run';
export type { PipelineManifest } from './pipeline-manifest';
