import * as fs from 'node:fs';
import puppeteer, { Browser, Page } from 'puppeteer-core';
import type { LiveClip } from './live-clip';

/** Where Chromium is looked for: CHROMIUM_PATH, then the system's (Debian's `chromium` package). No browser is downloaded. */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export function findChromium(): string {
  const env = process.env.CHROMIUM_PATH;
  if (env) {
    if (!fs.existsSync(env)) throw new Error(`CHROMIUM_PATH=${env}: no such file`);
    return env;
  }
  const found = CANDIDATES.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`no Chromium found (looked for ${CANDIDATES.join(', ')}; set CHROMIUM_PATH): apt-get install chromium`);
  return found;
}

/**
 * Headless Chromium whose camera and microphone play `clip` (no permission prompt); the video loops,
 * the audio plays once (`loopAudio`: loops too, so a page that starts late still hears the clip's speech).
 * It resolves no host name: nothing the page or its workers might ask for leaves the machine.
 */
export async function launchWithFakeDevices(clip: LiveClip | null, extraArgs: string[] = [], options: { loopAudio?: boolean } = {}): Promise<Browser> {
  const media = clip ? [`--use-file-for-fake-video-capture=${clip.y4m}`, `--use-file-for-fake-audio-capture=${clip.wav}${options.loopAudio ? '' : '%noloop'}`] : [];
  return puppeteer.launch({
    executablePath: findChromium(),
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', ...media, '--autoplay-policy=no-user-gesture-required', ...extraArgs],
  });
}

/** The page's `window.mer` status (see apps/live/src/page/live-session.ts). */
export type PageStatus = { backend: string | null; threads: number; onnxThreads?: number; kernels?: 'mer' | 'stock' | null; models: string; error: string | null; frames: number; dropped: number; fps: number; latencyMs: number; latencyP95Ms: number; firstResultMs: number | null; startMs?: Record<string, number>; detector?: 'worker' | 'main' | null; detectorNote?: string | null; runner?: 'worker' | 'main' | null; runnerNote?: string | null; frameRead?: 'VideoFrame' | 'canvas' | null; audioSeconds: number; stageMs?: { grab: number; detect: number; classify: number; draw: number } };

/** Polls `window.mer.status()` until `done` holds; a page error (a model that failed to load, …) rejects with the page's message. */
export async function waitForPage(page: Page, done: (s: PageStatus) => boolean, timeoutMs: number): Promise<PageStatus> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const s = (await page.evaluate(() => (globalThis as unknown as { mer?: { status(): unknown } }).mer?.status() ?? null)) as PageStatus | null;
    if (s?.error) throw new Error(`the live page failed: ${s.error}`);
    if (s && done(s)) return s;
    if (Date.now() > until) throw new Error(`the live page did not get there in ${timeoutMs / 1000} s: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Records every request the page and its workers make outside `pageUrl`'s origin (data:/blob: URLs
 * aside) in the returned list, which a test expects to stay empty. It watches, without intercepting:
 * under puppeteer's request interception a worker's fetch sometimes never finished (one in three pages
 * on a loaded machine). Nothing leaves anyway: the test browser resolves no host name
 * ({@link launchWithFakeDevices}).
 */
export function recordOtherHosts(page: Page, pageUrl: string): string[] {
  const origin = new URL(pageUrl).origin;
  const elsewhere: string[] = [];
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin) elsewhere.push(url);
  });
  return elsewhere;
}

/**
 * A new page of `serverUrl` on the wasm backend, requests to other hosts recorded ({@link recordOtherHosts}),
 * once its models are ready; `status().run` is the run the page opened (`mer live --run`), null without one.
 */
export async function openLivePage(browser: Browser, serverUrl: string): Promise<{ page: Page; elsewhere: string[]; run: string | null }> {
  const page = await browser.newPage();
  const elsewhere = recordOtherHosts(page, serverUrl);
  await page.goto(`${serverUrl}?backend=wasm`);
  const ready = await waitForPage(page, (s) => s.models === 'ready', 120_000);
  return { page, elsewhere, run: (ready as PageStatus & { run?: string | null }).run ?? null };
}

/** Polls one of `window.mer`'s lists (a run's utterances, clips or frames) every 0.5 s until `done` holds on it or `timeoutMs` passes; the last list. */
export async function pollRunList<T>(page: Page, list: 'utterances' | 'clips' | 'frames', done: (items: T[]) => boolean, timeoutMs = 120_000): Promise<T[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const items = (await page.evaluate((name) => (globalThis as unknown as { mer: Record<string, () => unknown[]> }).mer[name](), list)) as T[];
    if (done(items) || Date.now() > until) return items;
    await new Promise((r) => setTimeout(r, 500));
  }
}
