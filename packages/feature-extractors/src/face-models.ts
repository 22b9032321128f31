import * as fs from 'node:fs';
import { FaceDetector } from './face-detector';
import { OnFirstUse } from './first-use';
import { humanModelPath } from './graph-model-files';

/** A face stream's models: BlazeFace (when faces are detected) and what embeds or keeps the crops. */
export interface FaceModels<E> {
  detector: FaceDetector | null;
  embedder: E;
}

/**
 * A face stream's models, opened on its first video (`get()`): a corpus of audio files never opens
 * them. The shipped graphs they read (`graphs`, and BlazeFace's when `detect`) are checked now, so a
 * missing one fails the run before its first item rather than every video of it.
 */
export function faceModelsOnFirstUse<E extends { dispose(): void } | null>(options: { detect: boolean; graphs?: readonly string[]; embedder: () => Promise<E> }): OnFirstUse<FaceModels<E>> {
  const graphs = [...(options.graphs ?? []), ...(options.detect ? [humanModelPath('blazeface')] : [])];
  for (const f of graphs) if (!fs.existsSync(f)) throw new Error(`${f}: model file not found (is @vladmandic/human installed in full?)`);
  return new OnFirstUse(
    async () => ({ detector: options.detect ? await FaceDetector.load() : null, embedder: await options.embedder() }),
    (m) => {
      m.detector?.dispose();
      m.embedder?.dispose();
    },
  );
}
