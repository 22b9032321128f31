import { speechFunctionalsOfSamples } from './speech-functionals-of-samples';

/**
 * Extractors whose row for one utterance is computed from its samples alone (16 kHz mono, no file):
 * what a live page can feed a trained run (`mer live --run`). Each gives the row the registered
 * extractor of that name gives a 16 kHz WAV of the same samples.
 */
export const UTTERANCE_EXTRACTORS: Readonly<Record<string, (x16: Float32Array) => Float32Array>> = {
  'speech-functionals': speechFunctionalsOfSamples,
};
