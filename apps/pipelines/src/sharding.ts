import * as crypto from 'node:crypto';

/** One shard of a dataset: items i with i mod count = index (0-based). */
export interface Shard {
  index: number;
  count: number;
}

/**
 * The shard this process extracts: `--shard i/N` (i from 0), else a cluster scheduler's array index —
 * Kubernetes Indexed Jobs (`JOB_COMPLETION_INDEX`, with `--shards N`), Slurm job arrays
 * (`SLURM_ARRAY_TASK_ID` − `SLURM_ARRAY_TASK_MIN` of `SLURM_ARRAY_TASK_COUNT`) — else none.
 */
export function resolveShard(options: { shard?: string; shards?: number }, env: NodeJS.ProcessEnv = process.env): Shard | null {
  const check = (s: Shard, from: string): Shard => {
    if (!Number.isInteger(s.count) || s.count < 1 || !Number.isInteger(s.index) || s.index < 0 || s.index >= s.count) {
      throw new Error(`${from}: shard ${s.index} of ${s.count} is not a shard (index 0…count−1)`);
    }
    return s;
  };
  if (options.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(options.shard);
    if (!m) throw new Error(`--shard '${options.shard}': expected <index>/<count>, e.g. 0/4`);
    return check({ index: Number(m[1]), count: Number(m[2]) }, '--shard');
  }
  if (env['JOB_COMPLETION_INDEX'] !== undefined) {
    if (!options.shards) throw new Error('JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job): give --shards N, the Job\'s completions');
    return check({ index: Number(env['JOB_COMPLETION_INDEX']), count: options.shards }, 'JOB_COMPLETION_INDEX');
  }
  if (env['SLURM_ARRAY_TASK_ID'] !== undefined) {
    const count = Number(env['SLURM_ARRAY_TASK_COUNT'] ?? options.shards);
    const index = Number(env['SLURM_ARRAY_TASK_ID']) - Number(env['SLURM_ARRAY_TASK_MIN'] ?? 0);
    return check({ index, count }, 'SLURM_ARRAY_TASK_ID');
  }
  if (options.shards !== undefined) throw new Error('--shards N needs a shard index: --shard i/N, JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID');
  return null;
}

/** The shard's items, in order: every `count`-th from `index` (deterministic; balanced within one item). */
export function shardItems<T>(items: readonly T[], shard: Shard | null): T[] {
  return shard ? items.filter((_, i) => i % shard.count === shard.index) : [...items];
}

/** A fingerprint of the whole item list (ids in order), so shards of different lists never merge. */
export function idsHash(ids: readonly string[]): string {
  return crypto.createHash('sha256').update(ids.join('\n')).digest('hex').slice(0, 16);
}
