import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleLivePage } from '../tools/page-bundle';

// The files whose Node built-ins the page bundle may leave empty: each uses them only on a path the page
// never takes (reading a model from disk when no bytes are given, the --va-table reader, Node's own
// platform in tfjs and its wasm glue, seedrandom's Node entropy). A new file here means something the
// page runs may reach for the disk: make it take bytes instead (see packages/feature-extractors/src/browser.ts).
const ALLOWED = [
  'node_modules/@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js',
  'node_modules/@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.js',
  'node_modules/@tensorflow/tfjs-core/dist/platforms/platform_node.js',
  'node_modules/seedrandom/seedrandom.js',
  'packages/feature-extractors/src/analysis/expression-va.ts',
  'packages/feature-extractors/src/analysis/speech-detector.ts',
  'packages/feature-extractors/src/graph-model-files.ts',
  // node:module: loads echarts for a prediction file's SVG plots, which the page never draws.
  'apps/pipelines/src/plots.ts',
];
// Packages the page reaches through a pure function each (`mer live --run`): @mer/media for `resample`,
// @mer/datasets for the speaker statistics, @mer/pipelines' tasks for reading a run's logits. Their other
// files read and write disk (decoding, dataset readers, prediction files) on paths the page never takes;
// live-run.spec runs the page's run path in Chromium.
const ALLOWED_FOLDERS = ['packages/media/src/', 'packages/datasets/src/', 'apps/pipelines/src/tasks/'];
// echarts (prediction files' SVG plots) is loaded on the first plot, never imported: the bundle holds none of it.
const ALLOWED_LIBRARIES = { echarts: [] as string[] };

describe('the live page bundle', () => {
  it('bundles from the packages with their Node built-ins left empty only where the page never calls them; ships both runtimes\' .wasm', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-live-bundle-'));
    try {
      const b = await bundleLivePage(dir, { minify: true });
      const libraries = b.stubbed.filter((s) => /^echarts /.test(s));
      expect(libraries.map((s) => s.replace(/^.* \(from (.*)\)$/, '$1'))).toEqual(ALLOWED_LIBRARIES.echarts);
      const importers = [...new Set(b.stubbed.filter((s) => !libraries.includes(s)).map((s) => s.replace(/^.* \(from (.*)\)$/, '$1')))];
      expect(importers.filter((f) => !ALLOWED.includes(f) && !ALLOWED_FOLDERS.some((d) => f.startsWith(d)))).toEqual([]);
      expect(fs.readdirSync(path.join(dir, 'wasm')).sort()).toEqual(['ort-wasm-simd-threaded.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm', 'tfjs-backend-wasm.wasm']);
      const js = fs.readFileSync(path.join(dir, 'live.js'), 'utf8');
      expect(js).not.toContain('onnxruntime-node');
      expect(b.bytes).toBeLessThan(2.5e6);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
