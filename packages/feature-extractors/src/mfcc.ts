import type { Spectrogram } from './log-mel-spectrogram';
import { periodicHann, slaneyMelFilters } from './mel-banks';
import { sparseMelFilters, stftMel, type SparseMelFilters } from './stft-mel';

/** MFCC settings (AVT-CA: librosa's defaults at 22.05 kHz, 10 coefficients). */
export interface MfccConfig {
  /** Default 22050. */
  sampleRate: number;
  /** Coefficients kept. Default 10. */
  coefficients: number;
  /** Default 2048. */
  fftLength: number;
  /** Default 512 (≈ 43 frames/s at 22.05 kHz; 3.6 s → 156 frames). */
  hopLength: number;
  /** Mel bands (Slaney scale and norm, like librosa). Default 128. */
  melBands: number;
  /** dB range kept below the clip's maximum (librosa's top_db). Default 80; null keeps all. */
  topDb: number | null;
}

export const MFCC_DEFAULTS: MfccConfig = { sampleRate: 22050, coefficients: 10, fftLength: 2048, hopLength: 512, melBands: 128, topDb: 80 };

/**
 * MFCCs as librosa computes them (`librosa.feature.mfcc`): centred (reflect-padded) STFT with a
 * periodic Hann window, power mel spectrogram with librosa's Slaney filter bank ({@link slaneyMelFilters};
 * the STFT and sums by {@link stftMel}), `power_to_db` with `top_db`, then an orthonormal DCT-II over
 * the bands. Pure TypeScript: it runs in a browser page as in Node.
 */
export class Mfcc {
  readonly config: MfccConfig;
  private readonly window: Float64Array;
  private readonly filters: SparseMelFilters;
  private readonly dct: Float64Array;

  constructor(config: Partial<MfccConfig> = {}) {
    this.config = { ...MFCC_DEFAULTS, ...config };
    const c = this.config;
    if (c.coefficients > c.melBands) throw new Error(`Mfcc: ${c.coefficients} coefficients > ${c.melBands} mel bands`);
    this.window = periodicHann(c.fftLength);
    this.filters = sparseMelFilters(slaneyMelFilters({ sampleRate: c.sampleRate, fftLength: c.fftLength, bands: c.melBands, minHz: 0, maxHz: c.sampleRate / 2 }));
    // Orthonormal DCT-II basis, [coefficients, melBands].
    const n = c.melBands;
    this.dct = new Float64Array(c.coefficients * n);
    for (let k = 0; k < c.coefficients; k++) {
      const scale = k === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n);
      for (let m = 0; m < n; m++) this.dct[k * n + m] = scale * Math.cos((Math.PI * k * (2 * m + 1)) / (2 * n));
    }
  }

  get frameRate(): number {
    return this.config.sampleRate / this.config.hopLength;
  }

  /** Frames for `samples` input samples (centred framing). */
  frameCount(samples: number): number {
    return 1 + Math.floor(samples / this.config.hopLength);
  }

  /**
   * @param samples mono PCM at `config.sampleRate`, at least fftLength/2 + 1 samples (reflect padding)
   * @returns [frames, coefficients]
   */
  async compute(samples: Float32Array): Promise<Spectrogram> {
    const c = this.config;
    if (samples.length <= c.fftLength / 2) throw new Error(`Mfcc: ${samples.length} samples is shorter than half an FFT window (${c.fftLength / 2 + 1} needed)`);
    const mel = stftMel(samples, { fftLength: c.fftLength, hopLength: c.hopLength, window: this.window, center: true, power: 2, filters: this.filters });
    const { frames } = mel;
    const bands = c.melBands;
    // power_to_db: 10 · log10(max(mel, 1e-10)).
    const db = mel.data.map((v) => 10 * Math.log10(Math.max(1e-10, v)));
    if (c.topDb !== null) {
      let max = -Infinity;
      for (let i = 0; i < frames * bands; i++) if (db[i] > max) max = db[i];
      const floor = max - c.topDb;
      for (let i = 0; i < frames * bands; i++) if (db[i] < floor) db[i] = floor;
    }
    const k = c.coefficients;
    const data = new Float32Array(frames * k);
    for (let t = 0; t < frames; t++) {
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let m = 0; m < bands; m++) s += this.dct[j * bands + m] * db[t * bands + m];
        data[t * k + j] = s;
      }
    }
    return { data, frames, bands: k, frameRate: this.frameRate };
  }
}
