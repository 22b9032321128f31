import * as path from 'node:path';
import type { DatasetDefinition } from './dataset-definition';
import { parseRavdessName, RAVDESS_EMOTIONS, ravdessAvtCaSplit, ravdessFoldSplit, readRavdess } from './ravdess';

const actorId = (actor: number) => String(actor).padStart(2, '0');

/** RAVDESS: the audio-video `.mp4`s (or the audio-only files), 8 emotions, 24 actors. */
export const ravdessDataset: DatasetDefinition = {
  name: 'ravdess',
  title: 'RAVDESS',
  about: 'Ryerson Audio-Visual Database of Emotional Speech and Song: the audio-video .mp4 files (the audio-only ones when asked), 24 actors; emotion and actor from the names',
  labels: 'classes',
  classes: RAVDESS_EMOTIONS,
  split: "AVT-CA's: actors 1–4 test, 5–8 validation, 9–24 train",
  read: (root, options) => ({
    items: readRavdess({ root, modality: options.audioOnly ? 'audio-only' : 'audio-video' }).map((it) => ({
      id: it.id,
      file: it.file,
      classLabel: it.emotion,
      speaker: actorId(it.actor),
      split: ravdessAvtCaSplit(it.actor),
    })),
  }),
  speakerOfFile: (file) => actorId(parseRavdessName(path.basename(file)).actor),
  folds: {
    count: 6,
    about: '1–6, speakers',
    split: (items, fold) => items.map((i) => ({ ...i, split: ravdessFoldSplit(parseRavdessName(i.file).actor, fold) })),
  },
};
