import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FeatureStore } from './feature-store';
import { GroupStandardisedSource } from './group-standardisation';

const root = path.resolve(__dirname, '../../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-pixels-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Face crops of 4×4×3 pixels a row. */
const opts = { modality: 'video', extractor: 'centre-crop+pixels', config: { size: 4 }, dim: 48, values: 'pixels' as const, shape: [4, 4, 3] };
/** Item i's rows: i % 5 + 1 frames of pixels (i·7 + k) mod 256, every third frame masked. */
const rows = (i: number) => Float32Array.from({ length: ((i % 5) + 1) * 48 }, (_, k) => (i * 7 + k) % 256);
const mask = (i: number) => Array.from({ length: (i % 5) + 1 }, (_, f) => (f % 3 === 2 ? 0 : 1));
/** What reads back: a masked frame is zeros (its pixels are not stored). */
const readBack = (i: number) => rows(i).map((v, k) => (mask(i)[Math.floor(k / 48)] ? v : 0));

describe('FeatureStore: pixel streams (uint8)', () => {
  it('stores pixels as one byte each (masked frames none) and reads them back exactly; the manifest says pixels, uint8 and the shape', () => {
    const out = path.join(dir, 'roundtrip');
    const store = FeatureStore.open(out, opts);
    store.write('a', rows(3), { mask: mask(3), meta: { fps: 25 } });
    store.flush();
    const back = FeatureStore.read(out, 'video');
    expect(back.manifest).toMatchObject({ values: 'pixels', dtype: 'uint8', shape: [4, 4, 3], dim: 48 });
    const seq = back.read('a');
    expect(seq.data).toBeInstanceOf(Float32Array);
    expect(Array.from(seq.data)).toEqual(Array.from(readBack(3)));
    expect(Array.from(seq.mask)).toEqual(mask(3));
    const packs = fs.readdirSync(path.join(out, 'video', 'packs'));
    expect(packs.map((f) => f.replace(/^[^.]+/, '*')).sort()).toEqual(['*.idx.jsonl', '*.u8']);
    expect(fs.statSync(path.join(out, 'video', 'packs', packs.find((f) => f.endsWith('.u8'))!)).size).toBe(3 * 48); // 4 frames, 1 masked: 3 × 48 bytes
    // A frame with no face (an audio-only file's video) costs nothing.
    store.write('none', new Float32Array(5 * 48), { mask: [0, 0, 0, 0, 0] });
    store.flush();
    expect(fs.statSync(path.join(out, 'video', 'packs', packs.find((f) => f.endsWith('.u8'))!)).size).toBe(3 * 48);
    expect(FeatureStore.read(out, 'video').read('none')).toMatchObject({ frames: 5, data: new Float32Array(5 * 48), mask: new Uint8Array(5) });
  });

  it('refuses values that are not pixels, naming the item, frame and value', () => {
    const store = FeatureStore.open(path.join(dir, 'bad'), opts);
    const data = rows(1); // 2 frames
    data[50] = 12.5;
    expect(() => store.write('x', data)).toThrow('x: video pixel 12.5 at frame 1, value 2: a pixel stream holds integers 0–255');
    data[50] = 256;
    expect(() => store.write('x', data)).toThrow('x: video pixel 256 at frame 1, value 2');
    expect(() => FeatureStore.open(path.join(dir, 'shape'), { ...opts, shape: [4, 4, 4] })).toThrow('pixel shape [4, 4, 4] does not hold 48 values a row');
  });

  it('float stores keep their manifest and packs exactly as before (no pixel keys, .f32)', () => {
    const out = path.join(dir, 'float');
    const { values: _values, shape: _shape, ...floatOpts } = opts;
    const store = FeatureStore.open(out, floatOpts);
    store.write('a', Float32Array.from({ length: 48 }, (_, k) => k / 3));
    store.flush();
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'video', 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(manifest).sort()).toEqual(['configHash', 'config', 'createdAt', 'dim', 'extractor', 'modality', 'version'].sort());
    const pack = fs.readdirSync(path.join(out, 'video', 'packs')).find((f) => f.endsWith('.f32'))!;
    expect(fs.readFileSync(path.join(out, 'video', 'packs', pack))).toEqual(Buffer.from(Float32Array.from({ length: 48 }, (_, k) => k / 3).buffer));
    // A pixel store and a feature store of the same extractor and config do not mix.
    expect(() => FeatureStore.open(out, opts)).toThrow(/features were written by centre-crop\+pixels/);
  });

  it('per-speaker standardisation passes pixel streams through unchanged', () => {
    const out = path.join(dir, 'speakers');
    const store = FeatureStore.open(out, opts);
    for (const i of [1, 2, 3]) store.write(String(i), rows(i), { mask: mask(i) });
    const view = new GroupStandardisedSource(store, new Map([['1', 's1'], ['2', 's1'], ['3', 's2']]));
    expect(Array.from(view.read('2').data)).toEqual(Array.from(readBack(2)));
    expect(view.groupStats('s1')).toBeUndefined();
  });

  it('a writer killed mid-run leaves only whole pixel items; the rerun completes the rest', async () => {
    const out = path.join(dir, 'killed');
    const total = 500;
    const script = path.join(dir, 'writer.ts');
    fs.writeFileSync(
      script,
      `import { FeatureStore } from ${JSON.stringify(path.join(__dirname, 'feature-store'))};
const [out, to] = [process.argv[2], Number(process.argv[3])];
const store = FeatureStore.open(out, ${JSON.stringify(opts)});
for (let i = 0; i < to; i++) {
  if (store.has(String(i))) continue;
  store.write(String(i), Float32Array.from({ length: ((i % 5) + 1) * 48 }, (_, k) => (i * 7 + k) % 256), { mask: Array.from({ length: (i % 5) + 1 }, (_, f) => (f % 3 === 2 ? 0 : 1)) });
  if (i === 150) process.stdout.write('mid\\n');
  if (i > 150) for (const until = Date.now() + 2; Date.now() < until; );
}
store.flush();
`,
    );
    const args = [path.join(root, 'node_modules/tsx/dist/cli.mjs'), script, out, String(total)];
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.on('data', (b: Buffer) => b.toString().includes('mid') && resolve()));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    const survived = FeatureStore.read(out, 'video').items();
    expect(survived.length).toBeGreaterThan(0);
    expect(survived.length).toBeLessThan(total);
    const check = (ids: readonly string[]) => {
      const store = FeatureStore.read(out, 'video');
      for (const id of ids) {
        const back = store.read(id);
        expect(Array.from(back.data)).toEqual(Array.from(readBack(Number(id))));
        expect(Array.from(back.mask)).toEqual(mask(Number(id)));
      }
    };
    check(survived);
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const all = FeatureStore.read(out, 'video').items();
    expect(all.length).toBe(total);
    check(all);
  }, 60000);
});
