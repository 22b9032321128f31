import { MFCC_DELTAS_DEFAULTS } from '../acoustic/mfcc-deltas';
import { CEPSTRAL_STATISTICS, LLD_STATISTICS, SILENT_ENERGY, SILENT_LOUDNESS, SPEECH_FUNCTIONALS_DIM, speechFunctionals } from '../acoustic/speech-functionals';
import type { ExtractorDefinition, StreamExtractor } from '../extractor-registry';
import { EGEMAPS_CONFIG } from '../acoustic/egemaps-llds';

/** What `describe()` records: the descriptors' settings and that rows cover the whole recording. */
export const SPEECH_FUNCTIONALS_CONFIG = {
  ...EGEMAPS_CONFIG,
  functionals: 'mer-speech-functionals/1',
  span: 'whole-recording',
  lldStatistics: LLD_STATISTICS,
  cepstra: { ...MFCC_DELTAS_DEFAULTS, statistics: CEPSTRAL_STATISTICS },
  silence: { loudness: SILENT_LOUDNESS, energy: SILENT_ENERGY },
};

/**
 * Utterance-level functionals (one row per item) for kernel and other small-data estimators: the
 * eGeMAPS functionals, statistics of the 25 eGeMAPS descriptors and of MFCC/Δ/ΔΔ, computed over
 * the WHOLE recording rather than the plan's centred clip (an utterance is one item; padding or
 * cutting it to the clip would change its statistics). See `speechFunctionals`.
 */
export const speechFunctionalsExtractor: ExtractorDefinition = {
  kind: 'speech-functionals',
  modality: 'audio',
  timings: ['clip'],
  about: `${SPEECH_FUNCTIONALS_DIM} utterance functionals of the whole recording: eGeMAPS functionals, eGeMAPS descriptor and MFCC/Δ/ΔΔ statistics (one row)`,
  width: SPEECH_FUNCTIONALS_DIM,
  async create(): Promise<StreamExtractor> {
    return {
      // The clip's length is not recorded: rows do not depend on it.
      describe: () => ({ extractor: 'speech-functionals', dim: SPEECH_FUNCTIONALS_DIM, config: SPEECH_FUNCTIONALS_CONFIG }),
      async clip(file) {
        const llds = await file.llds();
        if (!llds) return { data: new Float32Array(SPEECH_FUNCTIONALS_DIM), mask: Uint8Array.of(0), frames: 1 };
        return { data: speechFunctionals(llds, await file.audio(16000)).values, mask: Uint8Array.of(1), frames: 1 };
      },
    };
  },
};
