import { ChunkQueue, chunkSize, ParentChannel, ParentQueue } from './commands/extraction-pool';

describe('the extraction queue', () => {
  it('hands out every index once, in order, in chunks, then null', () => {
    const q = new ChunkQueue(10, 4);
    const got: number[][] = [];
    for (let c = q.take(); c; c = q.take()) got.push(c);
    expect(got).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect([q.take(), q.handedOut]).toEqual([null, 10]);
  });

  it('chunks: at least 4 a process, at most 16 items, at least 1', () => {
    expect(chunkSize(421, 2)).toBe(16);
    expect(chunkSize(40, 2)).toBe(5);
    expect(chunkSize(3, 8)).toBe(1);
  });
});

describe("a --queue worker's side (ParentQueue)", () => {
  /** A parent that answers each request from a ChunkQueue when `answer` is called (it answers between its own chunks). */
  function parent(total: number, chunk: number) {
    const queue = new ChunkQueue(total, chunk);
    type Listener = Parameters<ParentChannel['on']>[1];
    const listeners = new Set<Listener>();
    let asked = 0;
    const channel: ParentChannel = {
      send: () => void asked++,
      on: (_e, l) => void listeners.add(l),
      off: (_e, l) => void listeners.delete(l),
    };
    const answer = () => {
      for (; asked > 0; asked--) {
        const indices = queue.take();
        for (const l of [...listeners]) l({ type: 'chunk', indices });
      }
    };
    return { channel, answer, listeners, pending: () => asked };
  }

  it('asks for the next chunk as soon as it has one, takes every chunk in order, then lets go of the channel', async () => {
    const p = parent(10, 4);
    const q = new ParentQueue(p.channel);
    const first = q.take();
    expect(p.pending()).toBe(1);
    p.answer();
    expect(await first).toEqual([0, 1, 2, 3]);
    // While the worker extracts [0..3], its request for the next chunk is already with the parent.
    expect(p.pending()).toBe(1);
    p.answer();
    expect(await q.take()).toEqual([4, 5, 6, 7]);
    p.answer();
    expect(await q.take()).toEqual([8, 9]);
    // The chunk asked ahead is the parent's null: the queue is empty, the listener gone, nothing more asked.
    p.answer();
    expect(await q.take()).toBeNull();
    expect(p.listeners.size).toBe(0);
    expect(await q.take()).toBeNull();
    expect(p.pending()).toBe(0);
  });
});
