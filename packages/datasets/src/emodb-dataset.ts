import type { DatasetDefinition } from './dataset-definition';
import { EMODB_EMOTIONS, parseEmoDbName, readEmoDb } from './emodb';

/** EmoDB (Berlin Database of Emotional Speech): the `.wav`s, 7 emotions and the speaker from each name. */
export const emoDbDataset: DatasetDefinition = {
  name: 'emodb',
  title: 'EmoDB',
  about: 'Berlin Database of Emotional Speech: the .wav files (audio only), 10 speakers; emotion and speaker from the names (03a01Fa.wav)',
  labels: 'classes',
  classes: EMODB_EMOTIONS,
  split: "every item 'train' (no official split: --split random:<fraction> or speaker:<ids>, or mer cv)",
  read: (root) => ({ items: readEmoDb({ root }).map((it) => ({ id: it.id, file: it.file, classLabel: it.emotion, speaker: it.speaker, split: 'train' })) }),
  speakerOfFile: (file) => parseEmoDbName(file).speaker,
};
