import { pooledLogMel, type LogMelPooling } from '../log-mel-pooling';
import { EGEMAPS_LLD_DIM } from '../acoustic/lld-pooling';
import type { ExtractorDefinition, StreamExtractor } from '../extractor-registry';
import { EGEMAPS_CONFIG } from '../acoustic/egemaps-llds';
import { pooledDescriptors } from './egemaps-extractors';

/** VGGish's log-mel front end: 16 kHz, 64 bands, pooled over the 0.96 s around each frame. */
export const VGGISH_LOG_MEL = { sampleRate: 16000, window: 0.96, melBands: 64 };

/** Log-mel pooled per frame: mean and std (MAVEN's and TCN-fusion's audio default), or the means of the two halves. */
function logMelPooling(kind: string, pooling: LogMelPooling, about: string): ExtractorDefinition {
  return {
    kind,
    modality: 'audio',
    timings: ['frames'],
    about,
    width: 2 * VGGISH_LOG_MEL.melBands,
    async create(): Promise<StreamExtractor> {
      return {
        needs: { logMel: true },
        describe: () => ({ extractor: kind, dim: 2 * VGGISH_LOG_MEL.melBands, config: VGGISH_LOG_MEL }),
        rows: async (r) => ({ data: pooledLogMel(r.logMel!.spec, r.logMel!.times, pooling) }),
      };
    },
  };
}

export const logMelMeanStdExtractor = logMelPooling('logmel-mean-std', 'mean-std', 'VGGish log-mel (64 bands) mean and std over the 0.96 s around each frame');
export const logMelHalvesExtractor = logMelPooling('logmel-halves', 'halves', 'VGGish log-mel means of the two halves of the 0.96 s around each frame');

/** Rows of `a` and `b` concatenated: [T, Da] ⊕ [T, Db] → [T, Da + Db]. */
function sideBySide(a: Float32Array, b: Float32Array, frames: number): Float32Array {
  const da = a.length / frames;
  const db = b.length / frames;
  const out = new Float32Array(frames * (da + db));
  for (let t = 0; t < frames; t++) {
    out.set(a.subarray(t * da, (t + 1) * da), t * (da + db));
    out.set(b.subarray(t * db, (t + 1) * db), t * (da + db) + da);
  }
  return out;
}

export const logMelWithDescriptorsExtractor: ExtractorDefinition = {
  kind: 'logmel-mean-std+egemaps',
  modality: 'audio',
  timings: ['frames'],
  about: 'log-mel mean/std (128) beside the pooled eGeMAPS descriptors (25)',
  width: 2 * VGGISH_LOG_MEL.melBands + EGEMAPS_LLD_DIM,
  async create(): Promise<StreamExtractor> {
    return {
      needs: { logMel: true, llds: true },
      describe: () => ({ extractor: 'logmel-mean-std+egemaps', dim: 2 * VGGISH_LOG_MEL.melBands + EGEMAPS_LLD_DIM, config: { ...VGGISH_LOG_MEL, egemaps: EGEMAPS_CONFIG } }),
      rows: async (r) => ({ data: sideBySide(pooledLogMel(r.logMel!.spec, r.logMel!.times, 'mean-std'), await pooledDescriptors(r), r.times.length) }),
    };
  },
};
