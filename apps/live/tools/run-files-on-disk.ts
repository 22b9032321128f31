import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { humanModelPath, readGraphModelFiles } from '@mer/feature-extractors';

/** One of human's graph models (`emotion`, `faceres`, …) from the installed package, as tfjs artifacts: what the page fetches from its server. */
export function humanGraph(name: string): tf.io.ModelArtifacts {
  return readGraphModelFiles(humanModelPath(name));
}

/** A run's `best/` files by name, as the page fetches them: the location and the bytes. */
export function bestFiles(run: string): { location: string; files: [string, Uint8Array][] } {
  const best = path.join(run, 'best');
  return { location: best, files: fs.readdirSync(best).map((f): [string, Uint8Array] => [f, new Uint8Array(fs.readFileSync(path.join(best, f)))]) };
}
