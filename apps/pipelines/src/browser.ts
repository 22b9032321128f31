/**
 * The part of this package a browser page runs (`mer live --run`): a trained utterance-level run held
 * as bytes ({@link UtteranceRun}), scoring utterances as `mer predict --speaker` scores recordings. A
 * page bundler resolves `@mer/pipelines` here (apps/live's bundle does). Also exported by `index.ts`.
 */
export { UtteranceRun, utteranceRunProblem } from './utterance-run';
export type { UtteranceScore } from './utterance-run';
export type { PipelineManifest } from './pipeline-manifest';
