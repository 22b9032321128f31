import { htkMelFilters, periodicHann } from './mel-banks';
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

/**
 * Log-mel spectrogram `log(|STFT|·M + offset)` with a periodic Hann window and no centring
 * (VGGish's front end). The bank is VGGish's own ({@link vggishMelFilters}) or the HTK bank of
 * transformers.js' Gemma3n extractor ({@link htkMelFilters}, computed here and equal to it); the
 * magnitude STFT and the mel sums are {@link stftMel} (fft.js, the bank kept sparse), then VGGish's
 * additive offset. Pure TypeScript: it runs in a browser page as in Node.
 */
export class LogMelSpectrogram {
  readonly config: LogMelConfig;
  private readonly window: Float64Array;
  private readonly filters: SparseMelFilters;

  constructor(config: Partial<LogMelConfig> = {}) {
    this.config = { ...LOG_MEL_DEFAULTS, ...config };
    const c = this.config;
    if (c.windowLength > c.fftLength) throw new Error(`LogMelSpectrogram: windowLength ${c.windowLength} > fftLength ${c.fftLength}`);
    this.window = periodicHann(c.windowLength);
    const bank = c.triangles === 'mel' ? vggishMelFilters(c) : htkMelFilters({ sampleRate: c.sampleRate, fftLength: c.fftLength, bands: c.melBands, minHz: c.minFrequency, maxHz: c.maxFrequency });
    this.filters = sparseMelFilters(bank);
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
    const mel = stftMel(samples, { fftLength: c.fftLength, hopLength: c.hopLength, window: this.window, center: false, power: 1, filters: this.filters });
    const data = new Float32Array(frames * bands);
    for (let i = 0; i < data.length; i++) data[i] = Math.log(mel.data[i] + c.logOffset);
    return { data, frames, bands, frameRate: this.frameRate };
  }
}
