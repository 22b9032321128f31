import { DatasetDefinition, MOSEI_EMOTIONS, registerDataset } from '@mer/datasets';
import { extractMosei, MOSEI_TASKS, MoseiTask } from './mosei-features';

/**
 * CMU-MOSEI: no media is read; its features folder is written straight from the CMU-MultimodalSDK
 * computational sequences (`extractMosei`, which needs the network registry, hence registered here).
 */
export const cmuMoseiDataset: DatasetDefinition = {
  name: 'cmu-mosei',
  title: 'CMU-MOSEI',
  about: 'CMU Multimodal Opinion Sentiment and Emotion Intensity: the SDK computational sequences (.csd: labels, FACET, COVAREP, GloVe), nothing decoded; --labels emotions (six, multi-label) | sentiment2 | sentiment7',
  labels: 'multi-label',
  classes: MOSEI_EMOTIONS,
  split: "the SDK's standard folds (--folds: cmu_mosei_std_folds.py or a JSON {train, valid, test})",
  precomputed: {
    about: 'its features come from the CMU-MultimodalSDK computational sequences, not from media — use extractMosei() (mer extract --dataset cmu-mosei:<folder of .csd files>)',
    written: 'segments written from the computational sequences',
    extract: async (o) => {
      if (o.labels !== undefined && !(o.labels in MOSEI_TASKS)) throw new Error(`--labels must be one of ${Object.keys(MOSEI_TASKS).join(', ')}, got '${o.labels}'`);
      return extractMosei({ pipeline: o.pipeline, folder: o.root, out: o.out, folds: o.folds, task: o.labels as MoseiTask | undefined, steps: o.steps, sequences: o.sequences, limit: o.limit, onItem: o.onItem });
    },
  },
};

registerDataset(cmuMoseiDataset);
