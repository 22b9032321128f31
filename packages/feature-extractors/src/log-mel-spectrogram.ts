import { ClapFeatureExtractor, Gemma3nAudioFeatureExtractor } from '@huggingface/transformers';
import { sparseMelFilters, stftMel, type SparseMelFilters } from './stft-mel';

/** VGGish-style log-mel front end (SPEC, TCN-fusion audio). Defaults are VGGish's. */
export interface LogMelConfig {
  /** Hz. Default 16000. */
  sampleRate: number;
  /** STFT window in samples (25 ms). Default 400. */
  windowLength: number;
  /** STFT hop in samples (10 ms → 100 frames/s). Default 160. */
  hopLength: number;
  /** FFT size. Default 512. */
  fftLength: number;
  /** Mel bands. Default 64. */
  melBands: number;
  /** Lowest / highest mel edge in Hz. Defaults 125 / 7500. */
  minFrequency: number;
  maxFrequency: number;
  /** log(mel + offset). Default 0.01. */
  logOffset: number;
  /**
   * Where the mel triangles are linear: `'mel'` (VGGish's own filter bank, what converted VGGish
   * weights expect; default) or `'hertz'` (transformers.js' HTK bank as configured, ≤ 0.012 apart in
   * log-mel on the reference signal).
   */
  triangles: 'mel' | 'hertz';
}

export const LOG_MEL_DEFAULTS: LogMelConfig = {
  sampleRate: 16000,
  windowLength: 400,
  hopLength: 160,
  fftLength: 512,
  melBands: 64,
  minFrequency: 125,
  maxFrequency: 7500,
  logOffset: 0.01,
  triangles: 'mel',
};

/**
 * VGGish's mel matrix, `[bands][fftLength/2 + 1]`: HTK mel scale, triangles linear in mel between
 * equally spaced mel edges, DC bin zero (the layout transformers.js' `mel_filter_bank` uses).
 */
export function vggishMelFilters(config: LogMelConfig): number[][] {
  const bins = Math.floor(config.fftLength / 2) + 1;
  const mel = (f: number) => 1127 * Math.log(1 + f / 700);
  const lo = mel(config.minFrequency);
  const hi = mel(config.maxFrequency);
  const edges = Array.from({ length: config.melBands + 2 }, (_, i) => lo + ((hi - lo) * i) / (config.melBands + 1));
  const binMel = Array.from({ length: bins }, (_, j) => mel((j * config.sampleRate) / 2 / (bins - 1)));
  return Array.from({ length: config.melBands }, (_, b) => {
    const [l, c, u] = [edges[b], edges[b + 1], edges[b + 2]];
    return binMel.map((m, j) => (j === 0 ? 0 : Math.max(0, Math.min((m - l) / (c - l), (u - m) / (u - c)))));
  });
}

/** A `[frames, bands]` row-major spectrogram. */
export interface Spectrogram {
  data: Float32Array;
  frames: number;
  bands: number;
  /** Frames per second (sampleRate / hopLength). */
  frameRate: number;
}

/** What mer takes from transformers.js' audio feature extractors: their window and mel filter bank. */
type FilterSource = { mel_filters: number[][]; window: Float64Array };

/**
 * Log-mel spectrogram `log(|STFT|·M + offset)` with a periodic Hann window and no centring
 * (VGGish's front end). The window and HTK mel filter bank are transformers.js' (its Gemma3n audio
 * feature extractor, configured from this config); the magnitude STFT and the mel sums are
 * {@link stftMel} (fft.js, the bank kept sparse), then VGGish's additive offset.
 */
export class LogMelSpectrogram {
  readonly config: LogMelConfig;
  private readonly extractor: FilterSource;
  private readonly filters: SparseMelFilters;

  constructor(config: Partial<LogMelConfig> = {}) {
    this.config = { ...LOG_MEL_DEFAULTS, ...config };
    const c = this.config;
    if (c.windowLength > c.fftLength) throw new Error(`LogMelSpectrogram: windowLength ${c.windowLength} > fftLength ${c.fftLength}`);
    this.extractor = new Gemma3nAudioFeatureExtractor({
      feature_size: c.melBands,
      sampling_rate: c.sampleRate,
      min_frequency: c.minFrequency,
      max_frequency: c.maxFrequency,
      frame_length: c.windowLength,
      hop_length: c.hopLength,
      fft_length: c.fftLength,
      mel_floor: 1e-12,
    }) as unknown as FilterSource;
    if (c.triangles === 'mel') this.extractor.mel_filters = vggishMelFilters(c);
    this.filters = sparseMelFilters(this.extractor.mel_filters);
  }

  get frameRate(): number {
    return this.config.sampleRate / this.config.hopLength;
  }

  /** Frames produced for `samples` input samples (0 when shorter than one window). */
  frameCount(samples: number): number {
    return samples < this.config.windowLength ? 0 : 1 + Math.floor((samples - this.config.windowLength) / this.config.hopLength);
  }

  /**
   * @param samples mono PCM at `config.sampleRate`
   * @returns [frames, melBands]
   */
  async compute(samples: Float32Array): Promise<Spectrogram> {
    const frames = this.frameCount(samples.length);
    const bands = this.config.melBands;
    if (frames === 0) return { data: new Float32Array(0), frames: 0, bands, frameRate: this.frameRate };
    const c = this.config;
    const mel = stftMel(samples, { fftLength: c.fftLength, hopLength: c.hopLength, window: this.extractor.window, center: false, power: 1, filters: this.filters });
    const data = new Float32Array(frames * bands);
    for (let i = 0; i < data.length; i++) data[i] = Math.log(mel.data[i] + c.logOffset);
    return { data, frames, bands, frameRate: this.frameRate };
  }
}

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
 * periodic Hann window, power mel spectrogram with a Slaney filter bank (window and bank from
 * transformers.js' CLAP feature extractor, configured from this config; the STFT and sums by
 * {@link stftMel}), `power_to_db` with `top_db`, then an orthonormal DCT-II over the bands.
 */
export class Mfcc {
  readonly config: MfccConfig;
  private readonly extractor: { mel_filters_slaney: number[][]; window: Float64Array };
  private readonly filters: SparseMelFilters;
  private readonly dct: Float64Array;

  constructor(config: Partial<MfccConfig> = {}) {
    this.config = { ...MFCC_DEFAULTS, ...config };
    const c = this.config;
    if (c.coefficients > c.melBands) throw new Error(`Mfcc: ${c.coefficients} coefficients > ${c.melBands} mel bands`);
    this.extractor = new ClapFeatureExtractor({
      feature_size: c.melBands,
      sampling_rate: c.sampleRate,
      fft_window_size: c.fftLength,
      hop_length: c.hopLength,
      nb_frequency_bins: 1 + Math.floor(c.fftLength / 2),
      frequency_min: 0,
      frequency_max: c.sampleRate / 2,
    }) as unknown as { mel_filters_slaney: number[][]; window: Float64Array };
    this.filters = sparseMelFilters(this.extractor.mel_filters_slaney);
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
    const mel = stftMel(samples, { fftLength: c.fftLength, hopLength: c.hopLength, window: this.extractor.window, center: true, power: 2, filters: this.filters });
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
