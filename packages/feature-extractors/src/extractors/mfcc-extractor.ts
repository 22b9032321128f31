import { centreCropOrPad } from '@mer/datasets';
import type { ExtractorDefinition, StreamExtractor } from '../extractor-registry';
import { Mfcc, MFCC_DEFAULTS } from '../mfcc';

/** AVT-CA's audio input: librosa-style MFCCs of the centred clip. */
export const mfccExtractor: ExtractorDefinition = {
  kind: 'mfcc',
  modality: 'audio',
  timings: ['clip'],
  about: 'librosa-style MFCCs (10) of the clip at 22.05 kHz',
  width: MFCC_DEFAULTS.coefficients,
  async create({ clip }): Promise<StreamExtractor> {
    const mfcc = new Mfcc();
    return {
      describe: () => ({ extractor: 'mfcc', dim: MFCC_DEFAULTS.coefficients, config: { sampleRate: MFCC_DEFAULTS.sampleRate, coefficients: MFCC_DEFAULTS.coefficients, ...(clip ?? {}) } }),
      async clip(file, span) {
        const samples = centreCropOrPad(await file.audio(mfcc.config.sampleRate), Math.round(span.seconds * mfcc.config.sampleRate));
        const coeffs = await mfcc.compute(samples);
        return { data: coeffs.data, mask: new Uint8Array(coeffs.frames).fill(file.hasAudio ? 1 : 0), frames: coeffs.frames };
      },
    };
  },
};
