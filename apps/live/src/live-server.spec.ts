import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLiveServer } from './live-server';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-live-server-'));
const page = path.join(dir, 'page');

beforeAll(() => {
  fs.mkdirSync(path.join(page, 'wasm'), { recursive: true });
  fs.writeFileSync(path.join(page, 'index.html'), '<!doctype html><title>mer live</title>');
  fs.writeFileSync(path.join(page, 'live.js'), 'export {};');
  fs.writeFileSync(path.join(page, 'wasm', 'a.wasm'), 'wasm');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'not to be served');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the live server sends the page and the model weights, nothing else', () => {
  it('serves the whitelisted files on loopback, 404 for any other path, 405 for anything but GET/HEAD', async () => {
    const seen: string[] = [];
    const server = await startLiveServer({ port: 0, pageDir: page, onRequest: (p, s) => seen.push(`${s} ${p}`) });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const get = (p: string, init?: RequestInit) => fetch(new URL(p, server.url), init);
      const index = await get('/');
      expect(index.status).toBe(200);
      expect(index.headers.get('content-type')).toContain('text/html');
      expect(await index.text()).toContain('mer live');
      const wasm = await get('/wasm/a.wasm');
      expect(wasm.headers.get('content-type')).toBe('application/wasm');
      const model = await get('/models/blazeface.json');
      expect(model.status).toBe(200);
      const manifest = ((await model.json()) as { weightsManifest: { paths: string[] }[] }).weightsManifest[0].paths[0];
      expect((await get(`/models/${manifest}`)).status).toBe(200);
      expect((await get('/models/silero_vad.onnx')).status).toBe(200);
      for (const p of ['/secret.txt', '/../secret.txt', '/%2e%2e/secret.txt', '/models/../../package.json', '/models/blazeface.bin.map', '/package.json']) {
        expect([p, (await get(p)).status]).toEqual([p, 404]);
      }
      expect((await get('/', { method: 'POST', body: 'frame' })).status).toBe(405);
      expect(server.paths).toEqual(expect.arrayContaining(['/', '/live.js', '/wasm/a.wasm', '/models/emotion.json', '/models/silero_vad.onnx']));
      expect(seen).toContain('404 /secret.txt');
    } finally {
      await server.close();
    }
  });

  it('sends the cross-origin-isolation headers only with isolate (mer live --threads)', async () => {
    for (const isolate of [false, true]) {
      const server = await startLiveServer({ port: 0, pageDir: page, isolate });
      try {
        const h = (await fetch(server.url)).headers;
        expect([h.get('cross-origin-opener-policy'), h.get('cross-origin-embedder-policy')]).toEqual(isolate ? ['same-origin', 'require-corp'] : [null, null]);
      } finally {
        await server.close();
      }
    }
  });

  it('names the missing page when it was not built', async () => {
    await expect(startLiveServer({ port: 0, pageDir: path.join(dir, 'nowhere') })).rejects.toThrow(/nowhere\/index\.html: the live page is not built/);
  });
});
