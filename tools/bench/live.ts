/**
 * `mer live` benchmark: the page in headless Chromium (the system's, puppeteer-core) with its fake camera
 * playing a 640 × 360, 30 fps clip (the real talking clip from ../shared/data when present, else the
 * generated face) and its fake microphone the clip's audio. Per backend (wasm; webgpu when the browser
 * offers an adapter, named software or not): cold start to the first drawn result, then after a warm-up
 * the processed fps, the frames the camera presented but the page skipped while busy, and the latency
 * from a frame's capture to its results drawn (mean, p95), from WARM_UP_S after Silero VAD opened and
 * BlazeFace's worker took detection over. Prints a table, then ONE JSON line.
 * wasm runs three times per round, interleaved: the default page (BlazeFace handed to a worker of its own)
 * on the default server (no isolation headers: one thread per wasm runtime) and on a server with
 * `--threads` (cross-origin isolated, so ONNX Runtime Web uses threads, and tfjs-wasm too with 4 or more logical cores), and `?detector=main` (BlazeFace
 * on the page's thread only) on the default server.
 * With `--run <dir>` (repeatable), each round also runs the default page with that trained run (`mer live --run`),
 * interleaved: what scoring it costs the page; a frame run (MAVEN, TCN-fusion) makes its rows and a clip run
 * (AVT-CA) scores in a worker, and is run again with `?runner=main` (on the page's thread); a clip run also
 * reports the clips scored and each one's scoring time. `--demo-runs` trains three small ones here first (on the
 * demo's generated clips, `--faces none`): AVT-CA lite and paper (clip runs) and TCN-fusion lite (a frame run).
 * `--stock-kernels` also runs the default page and each run with tfjs-wasm's own kernels (`?kernels=stock`;
 * the page runs mer's SIMD kernels by default, as Node does), interleaved.
 * Run: npm run bench:live [-- --seconds 20] [--rounds 3] [--run runs/x] [--demo-runs] [--stock-kernels]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLiveServer } from '@mer/live';
import { createPipeline, DEMO_CLASSES, generateClassDemo, generateVaDemo } from '@mer/pipelines';
import { bundleLivePage } from '../../apps/live/tools/page-bundle';
import { makeLiveClip } from '../../apps/live/tools/live-clip';
import { launchWithFakeDevices, PageStatus, waitForPage } from '../../apps/live/tools/live-browser';

const WARM_UP_S = 3;
/** WebGPU in headless Chromium: on a machine without a GPU its adapter is SwiftShader (software; the page's auto choice refuses it, the bench forces it). */
const WEBGPU_FLAGS = ['--enable-unsafe-webgpu'];

/** One page's variant: server isolated or not; where BlazeFace and a run's scoring go; tfjs-wasm's kernels. */
interface PageVariant {
  isolated: boolean;
  detector?: 'worker' | 'main';
  run?: string | null;
  runner?: 'worker' | 'main';
  kernels?: 'mer' | 'stock';
}

async function runBackend(url: string, clip: Awaited<ReturnType<typeof makeLiveClip>>, backend: 'wasm' | 'webgpu', seconds: number, variant: PageVariant) {
  const { isolated, detector = 'worker', run = null, runner = 'worker', kernels = 'mer' } = variant;
  const browser = await launchWithFakeDevices(clip, backend === 'webgpu' ? WEBGPU_FLAGS : []);
  try {
    const page = await browser.newPage();
    await page.goto(`${url}models/blazeface.json`); // a page of the server's origin (a secure context: navigator.gpu)
    const adapter = (await page.evaluate(async () => {
      const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string }; isFallbackAdapter?: boolean } | null> } }).gpu;
      const a = await gpu?.requestAdapter().catch(() => null);
      return a ? `${a.info?.vendor ?? ''} ${a.info?.architecture ?? ''} ${a.info?.description ?? ''}${a.isFallbackAdapter ? ' (fallback)' : ''}`.trim() || 'unnamed adapter' : null;
    })) as string | null;
    if (backend === 'webgpu' && !adapter) return { backend, skipped: 'no WebGPU adapter in this headless Chromium' };
    await page.goto(`${url}?backend=${backend}&detector=${detector}&runner=${runner}&kernels=${kernels}`);
    const first = await waitForPage(page, (s) => s.frames > 0, 120_000);
    // The page opens Silero VAD after its first result and then catches up on the audio heard meanwhile: measured from WARM_UP_S after that.
    // With the worker, also from its taking over detection (or failing to: its note says why).
    // With a frame run in its worker, also from the worker's having the run open (or failing to).
    await waitForPage(page, (s) => s.startMs?.vad !== undefined && (detector === 'main' || s.detector === 'worker' || /^BlazeFace stays/.test(s.detectorNote ?? '')) && (s.runner !== 'worker' || s.runnerNote === null), 120_000);
    await new Promise((r) => setTimeout(r, WARM_UP_S * 1000));
    const since = await page.evaluate(() => {
      (globalThis as unknown as { mer: { resetStats(): void } }).mer.resetStats();
      return performance.now() / 1000;
    });
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const s = (await page.evaluate(() => (globalThis as unknown as { mer: { status(): unknown } }).mer.status())) as PageStatus;
    const elapsed = (Date.now() - t0) / 1000;
    // A clip run's clips that ended in the measured span: each one's scoring time on its thread.
    const clipMs = await page.evaluate((from: number) => (globalThis as unknown as { mer: { clips(): { end: number; scoreMs: number }[] } }).mer.clips().filter((c) => c.end >= from).map((c) => c.scoreMs), since);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return {
      backend,
      adapter,
      detector,
      run,
      /** Where a frame run made its rows: its worker or the page's thread (null: no frame run). */
      runner: s.runner ?? null,
      cross_origin_isolated: isolated,
      threads: s.threads,
      onnx_threads: s.onnxThreads ?? null,
      /** wasm: the kernels asked for and those the page ran (mer's need a heap that is not shared: one thread). */
      kernels_asked: kernels,
      kernels: s.kernels ?? null,
      cold_start_to_first_result_ms: Math.round(first.firstResultMs ?? NaN),
      start_ms: first.startMs,
      processed_fps: +(s.frames / elapsed).toFixed(1),
      presented_fps: +((s.frames + s.dropped) / elapsed).toFixed(1),
      frames: s.frames,
      dropped_frames: s.dropped,
      dropped_fraction: +(s.dropped / Math.max(1, s.frames + s.dropped)).toFixed(3),
      latency_mean_ms: Math.round(s.latencyMs),
      latency_p95_ms: Math.round(s.latencyP95Ms),
      stage_ms: Object.fromEntries(Object.entries(s.stageMs ?? {}).map(([k, v]) => [k, +v.toFixed(1)])),
      /** A clip run: clips scored in the measured span, and the median ms a clip's scoring took (null: none scored). */
      clips_scored: clipMs.length,
      clip_score_ms: clipMs.length ? Math.round(median(clipMs)) : null,
    };
  } finally {
    await browser.close();
  }
}

/**
 * Three small runs on the demo's generated clips (`--faces none`): AVT-CA lite, AVT-CA paper (224 × 224
 * face crops through its EfficientFace-style branch: the paper's network, one epoch) and TCN-fusion lite.
 */
async function demoRuns(dir: string): Promise<string[]> {
  const clips = generateClassDemo({ dir: path.join(dir, 'cls'), perClassTrain: 2, perClassTest: 1 }).filter((i) => i.split === 'train');
  const avt = await createPipeline('avt-ca', { preset: 'lite', classes: DEMO_CLASSES, extractor: { faces: 'none' }, training: { epochs: 2, batchSize: 4 } });
  await avt.fit(clips, { runDir: path.join(dir, 'avt-ca') });
  avt.dispose();
  // Batch 1: an item's activations take 2.3 GB on wasm.
  const paper = await createPipeline('avt-ca', { preset: 'paper', classes: DEMO_CLASSES, extractor: { faces: 'none' }, training: { epochs: 1, batchSize: 1 } });
  await paper.fit(clips, { runDir: path.join(dir, 'avt-ca-paper') });
  paper.dispose();
  const tcn = await createPipeline('tcn-fusion', { preset: 'lite', extractor: { faces: 'none' }, training: { epochs: 2, batchSize: 2 } });
  await tcn.fit(generateVaDemo({ dir: path.join(dir, 'va'), train: 3, test: 1, seconds: 3 }).filter((i) => i.split === 'train'), { runDir: path.join(dir, 'tcn-fusion') });
  tcn.dispose();
  return [path.join(dir, 'avt-ca'), path.join(dir, 'avt-ca-paper'), path.join(dir, 'tcn-fusion')];
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--seconds');
  const seconds = at > 0 ? Number(process.argv[at + 1]) : 15;
  const r = process.argv.indexOf('--rounds');
  const rounds = r > 0 ? Number(process.argv[r + 1]) : 1;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-bench-live-'));
  try {
    const page = await bundleLivePage(path.join(dir, 'page'));
    // mer live's default server (one thread per wasm runtime) and one with --threads (cross-origin isolated), interleaved; on the default one also ?detector=main.
    const isolated = await startLiveServer({ port: 0, pageDir: page.dir, isolate: true });
    const single = await startLiveServer({ port: 0, pageDir: page.dir });
    const clip = await makeLiveClip(path.join(dir, 'clip'));
    const runs = process.argv.flatMap((a, i) => (a === '--run' ? [process.argv[i + 1]] : []));
    if (process.argv.includes('--demo-runs')) runs.push(...(await demoRuns(path.join(dir, 'runs'))));
    // --stock-kernels: the default page and each run also with tfjs-wasm's own kernels (`?kernels=stock`), interleaved.
    const stock = process.argv.includes('--stock-kernels');
    const withRuns = await Promise.all(runs.map(async (run) => ({ run, server: await startLiveServer({ port: 0, pageDir: page.dir, run }) })));
    const results = [];
    for (let round = 0; round < rounds; round++) {
      results.push(await runBackend(isolated.url, clip, 'wasm', seconds, { isolated: true }));
      results.push(await runBackend(single.url, clip, 'wasm', seconds, { isolated: false }));
      if (stock) results.push(await runBackend(single.url, clip, 'wasm', seconds, { isolated: false, kernels: 'stock' }));
      results.push(await runBackend(single.url, clip, 'wasm', seconds, { isolated: false, detector: 'main' }));
      for (const w of withRuns) {
        const r = await runBackend(w.server.url, clip, 'wasm', seconds, { isolated: false, run: w.run });
        results.push(r);
        if (stock) results.push(await runBackend(w.server.url, clip, 'wasm', seconds, { isolated: false, run: w.run, kernels: 'stock' }));
        // A run scored in its worker also on the page's thread: what the worker saves it.
        if ('runner' in r && r.runner === 'worker') results.push(await runBackend(w.server.url, clip, 'wasm', seconds, { isolated: false, run: w.run, runner: 'main' }));
      }
    }
    results.push(await runBackend(isolated.url, clip, 'webgpu', seconds, { isolated: true }));
    await Promise.all([isolated.close(), single.close(), ...withRuns.map((w) => w.server.close())]);
    const result = { bench: 'live', clip: clip.source, size: '640x360', camera_fps: 30, measured_s: seconds, warm_up_s: WARM_UP_S, cpus: os.cpus().length, load_avg_1m: +os.loadavg()[0].toFixed(2), results };
    for (const r of results) console.log('skipped' in r ? `${r.backend}: skipped (${r.skipped})` : `${r.backend}${r.adapter ? ` on ${r.adapter}` : ''}, threads: tfjs ${r.threads}, ONNX ${r.onnx_threads}${r.cross_origin_isolated ? '' : ' (not isolated)'}${r.kernels ? `, ${r.kernels} kernels` : ''}, detector ${r.detector}${r.run ? `, run ${r.run}${r.runner ? ` (${r.runner === 'worker' ? 'in its worker' : "on the page's thread"})` : ''}` : ''}: ${r.processed_fps} fps of ${r.presented_fps} presented (${r.dropped_frames} skipped), latency ${r.latency_mean_ms} ms mean / ${r.latency_p95_ms} ms p95, first result ${r.cold_start_to_first_result_ms} ms after navigation (${Object.entries(r.start_ms ?? {}).map(([k, v]) => `${k} ${v}`).join(', ')}); per frame ms: ${Object.entries(r.stage_ms).map(([k, v]) => `${k} ${v}`).join(', ')}${r.clips_scored || r.clip_score_ms !== null ? `; ${r.clips_scored} clips scored, ${r.clip_score_ms ?? '–'} ms each (median)` : ''}`);
    console.log(JSON.stringify(result));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
