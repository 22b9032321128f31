import { affWild2Dataset } from './affwild2-dataset';
import { cremaDDataset } from './crema-d-dataset';
import type { DatasetDefinition } from './dataset-definition';
import { emoDbDataset } from './emodb-dataset';
import { ravdessDataset } from './ravdess-dataset';

/** The datasets mer reads from media, registered when `@mer/datasets` loads. Add your own with `registerDataset`. */
export const BUILT_IN_DATASETS: readonly DatasetDefinition[] = [ravdessDataset, cremaDDataset, emoDbDataset, affWild2Dataset];
