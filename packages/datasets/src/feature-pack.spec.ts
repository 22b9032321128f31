import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FeatureStore } from './feature-store';
import { PACK_GROUP, readPackIndexes } from './feature-pack';

const root = path.resolve(__dirname, '../../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-pack-'));
const opts = { modality: 'audio', extractor: 'test', config: { v: 1 }, dim: 4 };
/** Item i's rows: i + 1 frames of values i·1000 + k, every third frame masked. */
const rows = (i: number) => Float32Array.from({ length: (i + 1) * 4 }, (_, k) => i * 1000 + k);
const mask = (i: number) => Array.from({ length: i + 1 }, (_, f) => (f % 3 === 2 ? 0 : 1));

/** A writer process: items from..to-1 into `out`, as fast as it can (for the kill spec). */
const writerScript = path.join(dir, 'writer.ts');
fs.writeFileSync(
  writerScript,
  `import { FeatureStore } from ${JSON.stringify(path.join(__dirname, 'feature-store'))};
const [out, from, to] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const store = FeatureStore.open(out, ${JSON.stringify(opts)});
for (let i = from; i < to; i++) {
  if (store.has(String(i))) continue;
  store.write(String(i), Float32Array.from({ length: (i + 1) * 4 }, (_, k) => i * 1000 + k), { mask: Array.from({ length: i + 1 }, (_, f) => (f % 3 === 2 ? 0 : 1)), meta: { i } });
  if (i === from + 150) process.stdout.write('mid\\n');
  if (i > from + 150) for (const until = Date.now() + 2; Date.now() < until; ); // extraction work: the kill lands mid-run
}
store.flush();
`,
);
const tsx = (...args: string[]) => [path.join(root, 'node_modules/tsx/dist/cli.mjs'), writerScript, ...args];

function expectIntact(store: FeatureStore, ids: readonly string[]) {
  for (const id of ids) {
    const i = Number(id);
    const back = store.read(id);
    expect(Array.from(back.data)).toEqual(Array.from(rows(i)));
    expect(Array.from(back.mask)).toEqual(mask(i));
    expect(back.meta).toEqual({ i });
  }
}

describe('feature packs: grouped durability', () => {
  it('syncs a group at a time: the index gains lines per group, and flush() writes the rest', () => {
    const out = path.join(dir, 'groups');
    const store = FeatureStore.open(out, opts);
    for (let i = 0; i < PACK_GROUP.items + 3; i++) store.write(String(i), rows(i), { mask: mask(i), meta: { i } });
    const packs = path.join(out, 'audio', 'packs');
    expect(readPackIndexes(packs, 4).size).toBe(PACK_GROUP.items); // the first group synced, 3 pending
    expect(store.has(String(PACK_GROUP.items + 2))).toBe(true); // pending writes are visible in this process
    store.flush();
    expect(readPackIndexes(packs, 4).size).toBe(PACK_GROUP.items + 3);
    expectIntact(FeatureStore.read(out, 'audio'), FeatureStore.read(out, 'audio').items());
  });

  it('a torn index line or rows past the pack end are ignored, not read', () => {
    const out = path.join(dir, 'torn');
    FeatureStore.open(out, opts).write('1', rows(1), { mask: mask(1), meta: { i: 1 } });
    FeatureStore.open(out, opts).flush();
    const packs = path.join(out, 'audio', 'packs');
    const index = fs.readdirSync(packs).find((f) => f.endsWith('.idx.jsonl'))!;
    fs.appendFileSync(path.join(packs, index), '{"id":"2","offset":32,"frames":3,"meta":{}}\n{"id":"3","off');
    expect(readPackIndexes(packs, 4).has('2')).toBe(false);
    expect([...readPackIndexes(packs, 4).keys()]).toEqual(['1']);
  });

  it('a writer killed at any point leaves only whole items; the rerun completes the rest', async () => {
    const out = path.join(dir, 'killed');
    const total = 600;
    const child = spawn(process.execPath, tsx(out, '0', String(total)), { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.on('data', (b: Buffer) => b.toString().includes('mid') && resolve()));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    const after = FeatureStore.read(out, 'audio');
    const survived = after.items();
    // Whole groups survive (at least the ones before item 150), nothing torn is listed, and each reads back exactly.
    expect(survived.length).toBeGreaterThanOrEqual(PACK_GROUP.items * 2);
    expect(survived.length).toBeLessThan(total);
    expectIntact(after, survived);
    const r = spawnSync(process.execPath, tsx(out, '0', String(total)), { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const done = FeatureStore.read(out, 'audio');
    expect(done.items().length).toBe(total);
    expectIntact(done, done.items());
  }, 120_000);
});
