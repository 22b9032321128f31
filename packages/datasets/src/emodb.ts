import * as path from 'node:path';
import { walkFiles } from './walk-files';

/** EmoDB emotion letters (German initials) in a fixed class order. */
export const EMODB_EMOTIONS = ['anger', 'boredom', 'disgust', 'fear', 'happiness', 'sadness', 'neutral'] as const;
const LETTER: Record<string, number> = { W: 0, L: 1, E: 2, A: 3, F: 4, T: 5, N: 6 };
/** The ten EmoDB speakers. */
export const EMODB_SPEAKERS = ['03', '08', '09', '10', '11', '12', '13', '14', '15', '16'] as const;

export interface EmoDbItem {
  file: string;
  id: string;
  /** Two digits, e.g. '03'. */
  speaker: string;
  /** Text code, e.g. 'a01'. */
  text: string;
  emotion: number;
  emotionName: (typeof EMODB_EMOTIONS)[number];
  /** Version letter of the take. */
  version: string;
}

/** Parses `SSTTTEV.wav` (speaker, text, emotion letter, version), e.g. `03a01Fa.wav`. */
export function parseEmoDbName(file: string): Omit<EmoDbItem, 'file'> {
  const id = path.basename(file).replace(/\.wav$/i, '');
  const m = /^(\d\d)([ab]\d\d)([A-Z])([a-z])$/.exec(id);
  if (!m) throw new Error(`${file}: not an EmoDB name (expected SSTTTEV, e.g. 03a01Fa)`);
  const emotion = LETTER[m[3]];
  if (emotion === undefined) throw new Error(`${file}: emotion letter ${m[3]} is not one of W L E A F T N`);
  return { id, speaker: m[1], text: m[2], emotion, emotionName: EMODB_EMOTIONS[emotion], version: m[4] };
}

export function readEmoDb(options: { root: string }): EmoDbItem[] {
  return walkFiles(options.root, (n) => /\.wav$/i.test(n)).map((file) => ({ file, ...parseEmoDbName(file) }));
}

/** Leave-one-speaker-out: the speaker's items are the test set. */
export function emoDbSpeakerSplit(item: Pick<EmoDbItem, 'speaker'>, testSpeaker: string): 'train' | 'test' {
  return item.speaker === testSpeaker ? 'test' : 'train';
}
