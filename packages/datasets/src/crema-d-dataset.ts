import * as path from 'node:path';
import { CREMA_D_EMOTIONS, readCremaD } from './crema-d';
import type { DatasetDefinition } from './dataset-definition';

/** Actors 1001–1073 train, 1074–1082 validation, 1083–1091 test. */
const split = (actor: number) => (actor <= 1073 ? 'train' : actor <= 1082 ? 'validation' : 'test');

/** CREMA-D: the `.flv` videos (or the `.wav`s), 6 emotions, 91 actors; known broken files skipped. */
export const cremaDDataset: DatasetDefinition = {
  name: 'crema-d',
  title: 'CREMA-D',
  about: 'Crowd-sourced Emotional Multimodal Actors Dataset: the VideoFlash .flv files (the AudioWAV .wav files when asked), 91 actors; known broken files skipped',
  labels: 'classes',
  classes: CREMA_D_EMOTIONS,
  split: 'actors 1001–1073 train, 1074–1082 validation, 1083–1091 test',
  read: (root, options) => ({
    items: readCremaD({ root }).flatMap((it) => {
      const file = options.audioOnly ? it.audioFile : it.videoFile ?? it.audioFile;
      return it.broken || !file ? [] : [{ id: it.id, file, classLabel: it.emotion, speaker: String(it.actor), split: split(it.actor) }];
    }),
  }),
  speakerOfFile: (file) => path.basename(file).split('_')[0],
};
