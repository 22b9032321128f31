/** transformers.js' module type (types only: nothing is loaded by naming it). */
export type TransformersModule = typeof import('@huggingface/transformers');

let loading: Promise<TransformersModule> | null = null;

/**
 * transformers.js, loaded on first use: it takes about 0.15 s to load, which every `mer` command and
 * every extraction worker paid at start while only the hub encoders and the speech recogniser use it.
 */
export function transformers(): Promise<TransformersModule> {
  loading ??= import('@huggingface/transformers');
  return loading;
}
