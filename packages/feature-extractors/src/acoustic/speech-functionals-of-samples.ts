import { resample } from '@mer/media';
import { egemapsLlds } from './egemaps-llds';
import { speechFunctionals } from './speech-functionals';

/** The rate the descriptors read audio at, and the one formants read (as `FileResources` decodes a file for them). */
const RATE = 16000;
const FORMANT_RATE = 11000;

/**
 * The `speech-functionals` row of one utterance given as samples (16 kHz mono), where there is no file:
 * a live microphone's speech segment. The 11 kHz signal the formants read is resampled from these
 * samples with the resampler a 16 kHz WAV's decoding uses, so a 16 kHz WAV of the same samples gives
 * the extractor's row exactly.
 * @param x16 [samples] at 16 kHz
 * @returns [SPEECH_FUNCTIONALS_DIM]
 */
export function speechFunctionalsOfSamples(x16: Float32Array): Float32Array {
  return speechFunctionals(egemapsLlds(x16, resample(x16, RATE, FORMANT_RATE)), x16).values;
}
