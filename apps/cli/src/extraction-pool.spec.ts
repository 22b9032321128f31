import { ChunkQueue, chunkSize } from './commands/extraction-pool';

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
