import * as path from 'node:path';
import { walkFiles } from './walk-files';

export const RAVDESS_EMOTIONS = ['neutral', 'calm', 'happy', 'sad', 'angry', 'fearful', 'disgust', 'surprised'] as const;
export type RavdessEmotion = (typeof RAVDESS_EMOTIONS)[number];

/** The seven fields of a RAVDESS file name `MM-VC-EE-II-SS-RR-AA`. */
export interface RavdessName {
  modality: 'audio-video' | 'video-only' | 'audio-only';
  vocalChannel: 'speech' | 'song';
  /** 0-based index into {@link RAVDESS_EMOTIONS}. */
  emotion: number;
  emotionName: RavdessEmotion;
  intensity: 'normal' | 'strong';
  /** 1 "Kids are talking by the door", 2 "Dogs are sitting by the door". */
  statement: 1 | 2;
  repetition: 1 | 2;
  /** 1–24. */
  actor: number;
  sex: 'male' | 'female';
}

const MODALITY = { '01': 'audio-video', '02': 'video-only', '03': 'audio-only' } as const;

/** Parses a RAVDESS file name; anything else is an error naming the field at fault. */
export function parseRavdessName(file: string): RavdessName {
  const base = path.basename(file).replace(/\.(mp4|wav)$/i, '');
  const f = base.split('-');
  if (f.length !== 7 || !f.every((x) => /^\d\d$/.test(x))) {
    throw new Error(`${file}: not a RAVDESS name (expected MM-VC-EE-II-SS-RR-AA, seven two-digit fields)`);
  }
  const [mm, vc, ee, ii, ss, rr, aa] = f;
  const modality = MODALITY[mm as keyof typeof MODALITY];
  if (!modality) throw new Error(`${file}: modality ${mm} is not 01, 02 or 03`);
  if (vc !== '01' && vc !== '02') throw new Error(`${file}: vocal channel ${vc} is not 01 (speech) or 02 (song)`);
  const emotion = Number(ee) - 1;
  if (emotion < 0 || emotion > 7) throw new Error(`${file}: emotion ${ee} is not 01–08`);
  if (ii !== '01' && ii !== '02') throw new Error(`${file}: intensity ${ii} is not 01 or 02`);
  if (ii === '02' && emotion === 0) throw new Error(`${file}: neutral has no strong intensity`);
  if (ss !== '01' && ss !== '02') throw new Error(`${file}: statement ${ss} is not 01 or 02`);
  if (rr !== '01' && rr !== '02') throw new Error(`${file}: repetition ${rr} is not 01 or 02`);
  const actor = Number(aa);
  if (actor < 1 || actor > 24) throw new Error(`${file}: actor ${aa} is not 01–24`);
  return {
    modality,
    vocalChannel: vc === '01' ? 'speech' : 'song',
    emotion,
    emotionName: RAVDESS_EMOTIONS[emotion],
    intensity: ii === '01' ? 'normal' : 'strong',
    statement: Number(ss) as 1 | 2,
    repetition: Number(rr) as 1 | 2,
    actor,
    sex: actor % 2 === 1 ? 'male' : 'female',
  };
}

/** The six speaker-independent folds of four actors each. */
export const RAVDESS_FOLDS: readonly (readonly number[])[] = [
  [1, 11, 20, 21],
  [4, 10, 12, 14],
  [8, 9, 19, 23],
  [3, 5, 7, 24],
  [2, 15, 16, 18],
  [6, 13, 17, 22],
];

/** AVT-CA's official split: actors 1–4 test, 5–8 validation, 9–24 train. */
export function ravdessAvtCaSplit(actor: number): 'train' | 'validation' | 'test' {
  return actor <= 4 ? 'test' : actor <= 8 ? 'validation' : 'train';
}

/** Split of an actor under speaker-independent fold `fold` (1–6): that fold's actors are the test set. */
export function ravdessFoldSplit(actor: number, fold: number): 'train' | 'test' {
  const f = RAVDESS_FOLDS[fold - 1];
  if (!f) throw new Error(`RAVDESS fold ${fold} does not exist (1–6)`);
  return f.includes(actor) ? 'test' : 'train';
}

export interface RavdessItem extends RavdessName {
  file: string;
  id: string;
}

export interface RavdessOptions {
  root: string;
  modality?: RavdessName['modality'];
  vocalChannel?: RavdessName['vocalChannel'];
}

/** Every RAVDESS file below `root` (Actor_XX folders or flat), parsed and filtered. */
export function readRavdess(options: RavdessOptions): RavdessItem[] {
  return walkFiles(options.root, (n) => /^\d\d(-\d\d){6}\.(mp4|wav)$/i.test(n))
    .map((file) => ({ ...parseRavdessName(file), file, id: path.basename(file).replace(/\.\w+$/, '') }))
    .filter((i) => (options.modality ? i.modality === options.modality : true))
    .filter((i) => (options.vocalChannel ? i.vocalChannel === options.vocalChannel : true));
}
