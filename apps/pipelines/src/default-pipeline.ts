import * as path from 'node:path';

/** Containers that hold sound only: a corpus of these is speech (or other audio) with no faces to read. */
const AUDIO_ONLY_EXTENSIONS = new Set(['.wav', '.flac', '.mp3', '.m4a', '.aac', '.ogg', '.oga', '.opus', '.wma']);

/**
 * The network `mer extract` takes when none is named, by one declared rule: on a corpus of audio-only
 * recordings, the row `npm run bench:real-data` ranks first by mean inner leave-one-speaker-out UAR
 * (training speakers only; held-out speakers never rank): speech functionals → RBF kernel ridge,
 * 0.812 ± 0.070 UAR over EmoDB's 8 speakers (README: Real speech). Recordings with video have no
 * default: the three published networks differ in task (valence/arousal or classes), so the user names one.
 */
export const SPEECH_CORPUS_DEFAULT = {
  network: 'speech-kernel',
  rule: 'the default for audio-only corpora: ranked first by inner leave-one-speaker-out UAR in npm run bench:real-data (README: Real speech)',
} as const;

/** The default network for a corpus' files, or null (some file may carry video) with the reason. */
export function defaultPipeline(files: readonly string[]): { network: string; why: string } | { network: null; why: string } {
  if (files.length === 0) return { network: null, why: 'the dataset has no items' };
  const other = files.find((f) => !AUDIO_ONLY_EXTENSIONS.has(path.extname(f).toLowerCase()));
  if (other !== undefined) return { network: null, why: `${other} may carry video (only audio-only corpora have a default)` };
  return { network: SPEECH_CORPUS_DEFAULT.network, why: SPEECH_CORPUS_DEFAULT.rule };
}
