import { fork } from 'node:child_process';
import type { extractDataset } from '@mer/pipelines';
import { mergeExtractionReports } from '@mer/feature-extractors';
import { Progress } from './progress';

export type ExtractReport = Awaited<ReturnType<typeof extractDataset>>;

/** Hands out the dataset's item indices in chunks, in order, to whichever process asks next. */
export class ChunkQueue {
  private next = 0;
  constructor(
    readonly total: number,
    readonly chunk: number,
  ) {}

  take(): number[] | null {
    if (this.next >= this.total) return null;
    const end = Math.min(this.total, this.next + this.chunk);
    const out = Array.from({ length: end - this.next }, (_, i) => this.next + i);
    this.next = end;
    return out;
  }

  get handedOut(): number {
    return this.next;
  }
}

/** Chunk size: small enough that processes finish together (≥ 4 chunks each), at most 16 items. */
export function chunkSize(total: number, jobs: number): number {
  return Math.max(1, Math.min(16, Math.ceil(total / (jobs * 4))));
}

/**
 * `--jobs N`: N − 1 long-lived worker processes (copies of this very command with `--queue`, each
 * loading its models once) and this process take chunks of items from one queue until it is empty,
 * so no process idles while another has a long tail; each writes its own pack into the one folder.
 */
export async function runPool(jobs: number, total: number, json: boolean, inProcess: (take: () => Promise<number[] | null>) => Promise<ExtractReport>): Promise<ExtractReport> {
  const args = process.argv.slice(2);
  const queue = new ChunkQueue(total, chunkSize(total, jobs));
  const bar = new Progress('extract', total, { silent: json });
  const take = () => {
    const chunk = queue.take();
    if (chunk) bar.tick(queue.handedOut, `${jobs} processes`);
    return chunk;
  };
  const workers = Array.from(
    { length: jobs - 1 },
    (_, k) =>
      new Promise<ExtractReport>((resolve, reject) => {
        const child = fork(process.argv[1], [...args, '--jobs', '1', '--queue', '--worker', '--json'], { execArgv: process.execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
        let out = '';
        let err = '';
        child.stdout!.on('data', (d) => (out += d));
        child.stderr!.on('data', (d) => (err = (err + d).slice(-4000)));
        child.on('message', (m: { type?: string }) => {
          if (m.type === 'take') child.send({ type: 'chunk', indices: take() });
        });
        child.on('close', (code) => {
          const last = out.trim().split('\n').pop() ?? '';
          if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as ExtractReport);
          else reject(new Error(`extraction worker ${k + 1}/${jobs - 1} failed (exit ${code}): ${err.trim().split('\n').slice(-3).join(' | ')}`));
        });
      }),
  );
  // This process yields to its event loop before each chunk: with in-process decoding a chunk never
  // waits on I/O, and the workers' requests would otherwise wait until this process had taken them all.
  const own = inProcess(async () => {
    await new Promise((resolve) => setImmediate(resolve));
    return take();
  });
  const reports = await Promise.all([...workers, own]);
  return { ...mergeExtractionReports(reports), total, datasetNotes: reports[reports.length - 1]?.datasetNotes ?? [] };
}

/** A `--queue` worker's side: ask the parent for the next chunk (null: none left). */
export function takeFromParent(): Promise<number[] | null> {
  return new Promise((resolve) => {
    process.once('message', (m: { type?: string; indices?: number[] | null }) => resolve(m.indices ?? null));
    process.send!({ type: 'take' });
  });
}
