import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'puppeteer-core';
import { bundleLivePage } from '../tools/page-bundle';
import { makeLiveClip } from '../tools/live-clip';
import { launchWithFakeDevices, waitForPage } from '../tools/live-browser';
import { LiveServer, startLiveServer } from './live-server';
import { onnxWasmThreads, tfjsWasmThreads } from './page/wasm-threads';

// `mer live --threads`: the page cross-origin isolated, so the wasm runtimes may use threads.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-live-threads-'));
let server: LiveServer;
let browser: Browser;

beforeAll(async () => {
  const page = await bundleLivePage(path.join(dir, 'page'));
  server = await startLiveServer({ port: 0, pageDir: page.dir, isolate: true });
  browser = await launchWithFakeDevices(await makeLiveClip(path.join(dir, 'clip'), null));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('mer live --threads in headless Chromium', () => {
  it("threads for ONNX Runtime Web; tfjs-wasm's threaded build only where it runs more than one thread, else its own build with mer's kernels", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}?backend=wasm`);
    const s = await waitForPage(page, (st) => st.models === 'ready' && st.frames > 0, 120_000);
    const { isolated, cores } = await page.evaluate(() => ({ isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency }));
    expect(isolated).toBe(true);
    expect(s.onnxThreads).toBe(onnxWasmThreads(cores));
    const tfjs = tfjsWasmThreads(cores);
    expect(s.threads).toBe(tfjs);
    // A shared heap (the threaded build) keeps mer's kernels out; one thread needs no threaded build.
    expect(s.kernels).toBe(tfjs > 1 ? 'stock' : 'mer');
    const head = await page.$eval('#status', (e) => e.textContent ?? '');
    expect(head).toContain(`threads: tfjs ${tfjs}, ONNX ${onnxWasmThreads(cores)}`);
  }, 180_000);

  it('tfjs-wasm runs half the logical cores, 1 to 8 (its threaded backend assumes two a core); ONNX Runtime Web up to 4', () => {
    expect([1, 2, 3, 4, 6, 8, 16, 32].map(tfjsWasmThreads)).toEqual([1, 1, 1, 2, 3, 4, 8, 8]);
    expect([1, 2, 3, 4, 8].map(onnxWasmThreads)).toEqual([1, 2, 3, 4, 4]);
  });
});
