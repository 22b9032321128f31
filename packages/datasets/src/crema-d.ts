import * as fs from 'node:fs';
import * as path from 'node:path';

export const CREMA_D_EMOTIONS = ['ANG', 'DIS', 'FEA', 'HAP', 'NEU', 'SAD'] as const;
export type CremaDEmotion = (typeof CREMA_D_EMOTIONS)[number];
export const CREMA_D_SENTENCES = ['IEO', 'TIE', 'IOM', 'IWW', 'TAI', 'MTI', 'IWL', 'ITH', 'DFA', 'ITS', 'TSI', 'WSI'] as const;

/** Files known to be broken (empty or a minute long) in the public release. */
export const CREMA_D_BROKEN: ReadonlySet<string> = new Set(['1076_MTI_NEU_XX', '1076_MTI_SAD_XX', '1064_TIE_SAD_XX', '1064_IEO_DIS_MD']);

export interface CremaDName {
  /** 1001–1091. */
  actor: number;
  sentence: string;
  /** 0-based index into {@link CREMA_D_EMOTIONS}. */
  emotion: number;
  emotionCode: CremaDEmotion;
  level: 'LO' | 'MD' | 'HI' | 'XX';
}

/** Parses `ActorID_Sentence_Emotion_Level`, e.g. `1001_DFA_ANG_XX`. */
export function parseCremaDName(file: string): CremaDName {
  const base = path.basename(file).replace(/\.(wav|flv|mp4)$/i, '');
  const f = base.split('_');
  if (f.length !== 4) throw new Error(`${file}: not a CREMA-D name (expected ActorID_Sentence_Emotion_Level)`);
  const [a, sentence, e, level] = f;
  const actor = Number(a);
  if (!Number.isInteger(actor) || actor < 1001 || actor > 1091) throw new Error(`${file}: actor ${a} is not 1001–1091`);
  if (!(CREMA_D_SENTENCES as readonly string[]).includes(sentence)) throw new Error(`${file}: sentence ${sentence} is not one of ${CREMA_D_SENTENCES.join(' ')}`);
  const emotion = (CREMA_D_EMOTIONS as readonly string[]).indexOf(e);
  if (emotion < 0) throw new Error(`${file}: emotion ${e} is not one of ${CREMA_D_EMOTIONS.join(' ')}`);
  if (!['LO', 'MD', 'HI', 'XX'].includes(level)) throw new Error(`${file}: level ${level} is not LO, MD, HI or XX`);
  return { actor, sentence, emotion, emotionCode: e as CremaDEmotion, level: level as CremaDName['level'] };
}

/** Crowd ratings of one clip from `processedResults/summaryTable.csv`. */
export interface CremaDRating {
  voiceVote: string;
  voiceLevel: number;
  faceVote: string;
  faceLevel: number;
  multiModalVote: string;
  multiModalLevel: number;
}

/** Reads `summaryTable.csv` keyed by file name; a missing column is an error naming it. */
export function readCremaDRatings(file: string): Map<string, CremaDRating> {
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0].split(',').map((h) => h.trim().replace(/^"|"$/g, ''));
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${file}: column "${name}" missing (header: ${header.join(',')})`);
    return i;
  };
  const idx = {
    name: col('FileName'),
    vv: col('VoiceVote'),
    vl: col('VoiceLevel'),
    fv: col('FaceVote'),
    fl: col('FaceLevel'),
    mv: col('MultiModalVote'),
    ml: col('MultiModalLevel'),
  };
  const out = new Map<string, CremaDRating>();
  for (let i = 1; i < lines.length; i++) {
    const c = lines[i].split(',').map((x) => x.trim().replace(/^"|"$/g, ''));
    if (c.length < header.length) throw new Error(`${file} line ${i + 1}: expected ${header.length} columns, got ${c.length}`);
    out.set(c[idx.name], {
      voiceVote: c[idx.vv],
      voiceLevel: Number(c[idx.vl]),
      faceVote: c[idx.fv],
      faceLevel: Number(c[idx.fl]),
      multiModalVote: c[idx.mv],
      multiModalLevel: Number(c[idx.ml]),
    });
  }
  return out;
}

export interface CremaDItem extends CremaDName {
  id: string;
  audioFile?: string;
  videoFile?: string;
  /** True for the known broken files: skip them for training and scoring. */
  broken: boolean;
  rating?: CremaDRating;
}

/** Reads `<root>/AudioWAV/*.wav` and `<root>/VideoFlash/*.flv`, paired by name, with ratings when present. */
export function readCremaD(options: { root: string }): CremaDItem[] {
  const audioDir = path.join(options.root, 'AudioWAV');
  const videoDir = path.join(options.root, 'VideoFlash');
  if (!fs.existsSync(audioDir) && !fs.existsSync(videoDir)) {
    throw new Error(`${options.root}: no CREMA-D AudioWAV/ or VideoFlash/ folder`);
  }
  const ids = new Set<string>();
  const list = (dir: string, ext: string) =>
    fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.toLowerCase().endsWith(ext)).map((f) => f.slice(0, -ext.length)) : [];
  const audio = new Set(list(audioDir, '.wav'));
  const video = new Set(list(videoDir, '.flv'));
  for (const id of [...audio, ...video]) ids.add(id);
  const summary = path.join(options.root, 'processedResults', 'summaryTable.csv');
  const ratings = fs.existsSync(summary) ? readCremaDRatings(summary) : undefined;
  return [...ids].sort().map((id) => ({
    ...parseCremaDName(id),
    id,
    audioFile: audio.has(id) ? path.join(audioDir, `${id}.wav`) : undefined,
    videoFile: video.has(id) ? path.join(videoDir, `${id}.flv`) : undefined,
    broken: CREMA_D_BROKEN.has(id),
    rating: ratings?.get(id),
  }));
}
