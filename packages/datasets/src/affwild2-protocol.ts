import { affWild2AnnotationDir, readAffWild2 } from './affwild2';
import type { DatasetItem } from './dataset-definition';

/**
 * The split of Aff-Wild2 items under TCN-fusion's six-fold protocol: folds 1–5 each hold out one of
 * five contiguous chunks of the training videos (sorted by video, a video's `_left` and `_right`
 * together), the official validation set joining the training data; fold 6 holds out the official
 * validation set. The held-out part is 'validation'.
 */
export function affWild2FoldSplit(items: readonly Pick<DatasetItem, 'id' | 'split'>[], videoOf: (id: string) => string, fold: number): Map<string, 'train' | 'validation'> {
  if (!Number.isInteger(fold) || fold < 1 || fold > 6) throw new Error(`--fold ${fold}: Aff-Wild2 folds are 1–6 (1–5: chunks of the training set, 6: the official validation set)`);
  const videos = [...new Set(items.filter((i) => i.split === 'train').map((i) => videoOf(i.id)))].sort();
  const chunk = new Map(videos.map((v, k) => [v, Math.floor((k * 5) / videos.length) + 1]));
  const out = new Map<string, 'train' | 'validation'>();
  for (const i of items) {
    const held = fold === 6 ? i.split === 'validation' : i.split === 'train' && chunk.get(videoOf(i.id)) === fold;
    out.set(i.id, held ? 'validation' : 'train');
  }
  return out;
}

/**
 * Aff-Wild2 VA items: the training set (required) and the validation set (optional: a note says when
 * it is absent), each item with its person (`_left` / `_right`), its video as `speaker` (a video's
 * `_left` and `_right` together) and aligned crops when present. Items whose every frame is −5 are
 * listed in the notes; a split without a single labelled frame is an error naming its files.
 */
export function affWild2Items(root: string): { items: DatasetItem[]; notes: string[] } {
  const notes: string[] = [];
  const items: DatasetItem[] = [];
  for (const split of ['train', 'validation'] as const) {
    try {
      affWild2AnnotationDir(root, split);
    } catch (e) {
      if (split === 'train') throw e;
      notes.push(`${root}: no Validation_Set annotations — training without a validation split (the last epoch is kept)`);
      continue;
    }
    const read = readAffWild2({ root, split });
    if (read.length > 0 && read.every((it) => it.labelledFrames === 0)) {
      throw new Error(`Aff-Wild2 ${split} split has no labelled frame (every value is −5) in: ${read.map((it) => it.annotationFile).join(', ')}`);
    }
    for (const it of read) {
      if (!it.videoFile) throw new Error(`${it.annotationFile}: no video found for '${it.videoName}' under ${root}`);
      if (it.labelledFrames === 0) notes.push(`${it.annotationFile}: every frame is −5 (unlabelled); its features are extracted, it adds nothing to the loss or the metrics`);
      const labels = new Float32Array(it.valence.length * 2);
      for (let t = 0; t < it.valence.length; t++) {
        labels[t * 2] = it.valence[t];
        labels[t * 2 + 1] = it.arousal[t];
      }
      items.push({ id: it.name, file: it.videoFile, frameLabels: labels, split, person: it.person, faceCrops: it.croppedAlignedDir, speaker: it.videoName });
    }
  }
  return { items, notes };
}
