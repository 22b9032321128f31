/**
 * The part of this package a browser page runs (`mer live --run`): a trained run held as bytes,
 * scoring rows the page computed: clips ({@link ClipRun}: AVT-CA on the camera's faces and the
 * microphone's MFCCs), utterances ({@link UtteranceRun}: speech-kernel on speech functionals) or
 * windows of frames ({@link FrameRun}: MAVEN and TCN-fusion, valence/arousal per frame), as `mer
 * predict` scores recordings. A page bundler resolves `@mer/pipelines` here (apps/live's bundle does).
 * Also exported by `index.ts`. It registers the three published networks and speech-kernel.
 */
import { avtCaRecipe } from '@mer/avt-ca';
import { mavenRecipe } from '@mer/maven';
import { tcnFusionRecipe } from '@mer/tcn-fusion';
import { registerNetwork } from '@mer/training';
import { speechKernelRecipe } from './speech-kernel-recipe';

for (const recipe of [avtCaRecipe, mavenRecipe, tcnFusionRecipe, speechKernelRecipe]) registerNetwork(recipe);

export { ClipRun, clipRunProblem } from './clip-run';
export type { ClipRows, ClipScore } from './clip-run';
export { FrameRun, frameRunProblem } from './frame-run';
export type { FrameScore } from './frame-run';
export { UtteranceRun, utteranceRunProblem } from './utterance-run';
export type { UtteranceScore } from './utterance-run';
export type { PipelineManifest } from './pipeline-manifest';
