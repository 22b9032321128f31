import { mergeFeatureStores } from '@mer/pipelines';

export async function mergeCommand(stores: string[], opts: { out: string }): Promise<void> {
  const r = mergeFeatureStores(stores, opts.out);
  console.log(`${r.items} items in ${r.streams.length} streams (${r.streams.join(', ')}) from ${stores.length} folders → ${opts.out}`);
}
