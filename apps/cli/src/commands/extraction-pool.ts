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

/** The IPC channel a `--queue` worker talks to its parent through (`process`, or a stand-in in specs). */
export interface ParentChannel {
  send(m: { type: 'take' }): void;
  on(event: 'message', listener: (m: { type?: string; indices?: number[] | null }) => void): void;
  off(event: 'message', listener: (m: { type?: string; indices?: number[] | null }) => void): void;
}

/**
 * A `--queue` worker's side: takes chunks from the parent, asking for the next one as soon as it has
 * one. The parent answers only between its own chunks (it extracts too, without yielding inside a
 * chunk), so a worker that asked only when it ran out idled for up to a chunk's time each time: on
 * 2,526 EmoDB WAVs `--jobs 2` ran at 1.57 cores and 1.3× `--jobs 1`. With one chunk in hand, the
 * answer comes while the worker extracts. Once the parent says the queue is empty, the channel's
 * listener is removed (so the process can exit).
 */
export class ParentQueue {
  private readonly waiting: ((chunk: number[] | null) => void)[] = [];
  private ahead: Promise<number[] | null> | null = null;
  private done = false;
  private readonly listener = (m: { type?: string; indices?: number[] | null }) => {
    if (m.type !== 'chunk') return;
    const chunk = m.indices ?? null;
    if (chunk === null) this.finish();
    this.waiting.shift()?.(chunk);
  };

  constructor(private readonly channel: ParentChannel) {
    channel.on('message', this.listener);
  }

  /** The next chunk (null: the queue is empty); the one after it is asked for at once. */
  async take(): Promise<number[] | null> {
    const chunk = await (this.ahead ?? this.ask());
    this.ahead = chunk && !this.done ? this.ask() : null;
    return chunk;
  }

  private ask(): Promise<number[] | null> {
    if (this.done) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.channel.send({ type: 'take' });
    });
  }

  private finish(): void {
    this.done = true;
    this.channel.off('message', this.listener);
  }
}

/** The `--queue` worker's queue on this process's IPC channel. */
export function queueFromParent(): () => Promise<number[] | null> {
  const queue = new ParentQueue(process as unknown as ParentChannel);
  return () => queue.take();
}
