import * as fs from 'node:fs';
import * as path from 'node:path';
import { configHash, FeatureManifest, FeatureStore } from '@mer/datasets';
import { writeFileAtomic } from '@mer/media';
import { idsHash } from './sharding';
import { FeatureIndex, readFeatureIndex } from './workflow';

/** The stream folders of a features folder (those with a manifest.json), with their manifests. */
function streamManifests(dir: string): Map<string, FeatureManifest> {
  const out = new Map<string, FeatureManifest>();
  for (const name of fs.readdirSync(dir)) {
    const m = path.join(dir, name, 'manifest.json');
    if (fs.existsSync(m)) out.set(name, JSON.parse(fs.readFileSync(m, 'utf8')) as FeatureManifest);
  }
  return out;
}

/**
 * Joins features folders — the shards of one extraction (`mer extract --shard i/N`, a Kubernetes
 * Indexed Job, a Slurm array), or disjoint extractions with one setup — into `out`. Refused, naming
 * what differs, unless the network, dataset, extractor options and every stream's extractor, config
 * hash and width agree; shards must all be there (each once) and every item of each must be
 * complete in every stream. Items keep the order of the whole extraction.
 */
export function mergeFeatureStores(stores: readonly string[], out: string): { items: number; streams: string[] } {
  if (stores.length === 0) throw new Error('give the features folders to merge');
  const indexes = stores.map((s) => readFeatureIndex(s));
  const manifests = stores.map((s) => streamManifests(s));
  const first = indexes[0];
  // The same order-independent hash that guards feature stores' extractor configs.
  const setup = (i: FeatureIndex) => configHash({ pipeline: i.pipeline, dataset: i.dataset, classes: i.classes, extractor: i.extractor } as Record<string, unknown>);
  indexes.forEach((ix, k) => {
    if (setup(ix) !== setup(first)) throw new Error(`${stores[k]}: extracted with another setup than ${stores[0]} (network, dataset, classes or extractor options differ)`);
    const streams = manifests[k];
    if ([...streams.keys()].sort().join() !== [...manifests[0].keys()].sort().join()) throw new Error(`${stores[k]}: streams ${[...streams.keys()].join(', ')} differ from ${stores[0]}'s (${[...manifests[0].keys()].join(', ')})`);
    for (const [name, m] of streams) {
      const m0 = manifests[0].get(name)!;
      if (m.extractor !== m0.extractor || m.configHash !== m0.configHash || m.dim !== m0.dim) {
        throw new Error(`${stores[k]}/${name}: ${m.extractor} (config ${m.configHash}, ${m.dim}-d) differs from ${stores[0]}/${name}: ${m0.extractor} (config ${m0.configHash}, ${m0.dim}-d)`);
      }
    }
  });
  // Shards: the same split of the same item list, each shard present once.
  const sharded = indexes.filter((ix) => ix.shard);
  if (sharded.length > 0) {
    if (sharded.length !== indexes.length) throw new Error('some folders are shards and some are not: merge the shards of one extraction');
    const { count, totalItems, idsHash: hash } = first.shard!;
    indexes.forEach((ix, k) => {
      if (ix.shard!.count !== count || ix.shard!.totalItems !== totalItems || ix.shard!.idsHash !== hash) throw new Error(`${stores[k]}: a shard of another extraction (shard ${ix.shard!.index}/${ix.shard!.count} of ${ix.shard!.totalItems} items)`);
    });
    const seen = indexes.map((ix) => ix.shard!.index);
    const dup = seen.find((i, k) => seen.indexOf(i) !== k);
    if (dup !== undefined) throw new Error(`shard ${dup}/${count} is given twice`);
    const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.includes(i));
    if (missing.length > 0) throw new Error(`shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')} missing: every shard of the extraction is needed`);
  }
  // Every item complete in every stream, and in one folder only.
  const owner = new Map<string, number>();
  const sources = stores.map((s, k) => new Map([...manifests[k].keys()].map((name) => [name, FeatureStore.read(s, name)])));
  indexes.forEach((ix, k) => {
    for (const item of ix.items) {
      if (owner.has(item.id)) throw new Error(`item '${item.id}' is in both ${stores[owner.get(item.id)!]} and ${stores[k]}`);
      owner.set(item.id, k);
      for (const [name, store] of sources[k]) {
        if (!store.has(item.id)) throw new Error(`${stores[k]}/${name}: item '${item.id}' has no features (extraction unfinished? rerun that shard)`);
      }
    }
  });
  // The whole extraction's order: item i of the full list is item ⌊i / N⌋ of shard i mod N.
  let merged: FeatureIndex['items'];
  if (sharded.length > 0) {
    const byShard = new Map(indexes.map((ix) => [ix.shard!.index, ix.items]));
    const count = first.shard!.count;
    merged = Array.from({ length: first.shard!.totalItems }, (_, i) => byShard.get(i % count)![Math.floor(i / count)]);
    if (merged.some((x) => !x) || idsHash(merged.map((x) => x.id)) !== first.shard!.idsHash) throw new Error('the shards do not add up to the extraction they came from');
  } else {
    merged = indexes.flatMap((ix) => ix.items);
  }
  fs.mkdirSync(out, { recursive: true });
  for (const [name, m] of manifests[0]) {
    const target = FeatureStore.open(out, { modality: name, extractor: m.extractor, config: m.config, dim: m.dim, fps: m.fps, ...(m.values === 'pixels' ? { values: m.values, shape: m.shape } : {}) });
    for (const item of merged) {
      const seq = sources[owner.get(item.id)!].get(name)!.read(item.id);
      target.write(item.id, seq.data, { mask: seq.mask, meta: seq.meta });
    }
    target.flush();
    writeFileAtomic(path.join(out, name, 'manifest.json'), JSON.stringify(m, null, 2));
  }
  const { shard: _shard, ...rest } = first;
  writeFileAtomic(path.join(out, 'items.json'), JSON.stringify({ ...rest, items: merged }));
  return { items: merged.length, streams: [...manifests[0].keys()] };
}
