import { ClapFeatureExtractor, Gemma3nAudioFeatureExtractor } from '@huggingface/transformers';
import { htkMelFilters, periodicHann, slaneyMelFilters } from './mel-banks';

describe('mel banks and window computed here (the MFCCs\' and the log-mel\'s, without transformers.js)', () => {
  it.each([
    [22050, 2048, 128],
    [16000, 512, 40],
  ])('equal transformers.js\' librosa-style Slaney bank and periodic Hann at %i Hz, FFT %i, %i bands', (sampleRate, fftLength, bands) => {
    const ref = new ClapFeatureExtractor({ feature_size: bands, sampling_rate: sampleRate, fft_window_size: fftLength, hop_length: fftLength / 4, nb_frequency_bins: 1 + fftLength / 2, frequency_min: 0, frequency_max: sampleRate / 2 }) as unknown as { mel_filters_slaney: number[][]; window: Float64Array };
    const ours = slaneyMelFilters({ sampleRate, fftLength, bands, minHz: 0, maxHz: sampleRate / 2 });
    expect(ours).toHaveLength(bands);
    let diff = 0;
    ours.forEach((row, b) => {
      expect(row).toHaveLength(1 + fftLength / 2);
      row.forEach((v, k) => (diff = Math.max(diff, Math.abs(v - ref.mel_filters_slaney[b][k]))));
    });
    expect(diff).toBeLessThan(1e-12);
    // Every band is a triangle with weight somewhere (none empty at these sizes).
    expect(ours.every((row) => Math.max(...row) > 0)).toBe(true);
    const w = periodicHann(fftLength);
    expect(Math.max(...Array.from(w, (v, i) => Math.abs(v - ref.window[i])))).toBe(0);
  });

  it.each([
    [16000, 512, 400, 64, 125, 7500],
    [16000, 512, 400, 40, 0, 8000],
  ])('htkMelFilters and periodicHann equal transformers.js\' Gemma3n bank and window at %i Hz, FFT %i, frame %i, %i bands %i–%i Hz', (sampleRate, fftLength, frame, bands, minHz, maxHz) => {
    const ref = new Gemma3nAudioFeatureExtractor({ feature_size: bands, sampling_rate: sampleRate, min_frequency: minHz, max_frequency: maxHz, frame_length: frame, hop_length: 160, fft_length: fftLength, mel_floor: 1e-12 }) as unknown as { mel_filters: number[][]; window: Float64Array };
    const ours = htkMelFilters({ sampleRate, fftLength, bands, minHz, maxHz });
    expect(ours).toHaveLength(ref.mel_filters.length);
    let diff = 0;
    ours.forEach((row, b) => {
      expect(row).toHaveLength(ref.mel_filters[b].length);
      row.forEach((v, k) => (diff = Math.max(diff, Math.abs(v - ref.mel_filters[b][k]))));
    });
    expect(diff).toBeLessThan(1e-12);
    expect(Math.max(...Array.from(periodicHann(frame), (v, i) => Math.abs(v - ref.window[i])))).toBeLessThan(1e-15);
  });
});
