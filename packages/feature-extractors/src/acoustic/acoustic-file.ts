import { decodeAudio, MediaInfo } from '@mer/media';
import { AcousticLlds, egemapsLlds } from './egemaps-llds';

/** The eGeMAPS functionals' count (see `egemapsFunctionals`). */
export const EGEMAPS_FUNCTIONALS_DIM = 77;

/** The file's audio at 16 kHz and 11 kHz (ffmpeg's resampler, also for formants), mono; silence when it has none. */
export async function decodeBoth(file: string, info: MediaInfo): Promise<[Float32Array, Float32Array]> {
  const a = await decodeAudio(file, { sampleRate: 16000, missingAudio: 'silence', info });
  const b = await decodeAudio(file, { sampleRate: 11000, missingAudio: 'silence', info });
  return [a.samples, b.samples];
}

/** eGeMAPS LLDs of a whole file (10 ms rows). Memory: the decoded audio while computing, then 1 KB per second. */
export async function egemapsOfFile(file: string, info: MediaInfo): Promise<AcousticLlds> {
  const [x16, x11] = await decodeBoth(file, info);
  return egemapsLlds(x16, x11);
}
