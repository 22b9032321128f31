import * as fs from 'node:fs';
import * as path from 'node:path';
import { build, Plugin } from 'esbuild';

const app = path.resolve(__dirname, '..');
const root = path.resolve(app, '../..');

/**
 * Node built-ins that code reached from the page imports at the top of a file but never calls in the
 * browser (reading a model from disk, `MER_*` variables, worker processes): they bundle as empty modules.
 */
const NODE_BUILTINS = /^(node:)?(fs|path|os|child_process|worker_threads|url|util|crypto|module|stream|events|readline|perf_hooks)$/;

/**
 * Libraries that code reached from the page imports at the top of a file but that only Node-side
 * features call: echarts draws the SVG plots of prediction files (@mer/pipelines' tasks), a megabyte the
 * page (and every wasm worker that loads the bundle) would otherwise parse. They bundle as empty modules.
 */
const NODE_SIDE_LIBRARIES = /^echarts$/;

/** Modules matching `filter` bundle as empty ones; each import is recorded in `stubbed` with its importer. */
function emptyModules(name: string, filter: RegExp, stubbed: Set<string>): Plugin {
  return {
    name,
    setup(b) {
      b.onResolve({ filter }, (args) => {
        stubbed.add(`${args.path} (from ${path.relative(root, args.importer)})`);
        return { path: args.path, namespace: name };
      });
      b.onLoad({ filter: /.*/, namespace: name }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
    },
  };
}

/** onnxruntime-web's WASM-only ES module build, which the page bundles (its `onnxruntime-web/wasm` export). */
const ORT_WASM_BUILD = path.join(path.dirname(require.resolve('onnxruntime-web')), 'ort.wasm.bundle.min.mjs');

/** One ONNX Runtime in the page, its WASM-only build (the default one adds the WebGPU EP: twice the .wasm), for both names. */
function oneOnnxRuntime(): Plugin {
  return {
    name: 'one-onnx-runtime',
    setup(b) {
      b.onResolve({ filter: /^onnxruntime-(node|web)$/ }, () => ({ path: ORT_WASM_BUILD }));
    },
  };
}

/** The `.wasm` files the page's two runtimes fetch, from their packages (the versions the bundle's JavaScript was built with). */
function wasmFiles(): string[] {
  const tfjsWasm = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  const ortDist = path.dirname(require.resolve('onnxruntime-web'));
  return [
    ...['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'].map((f) => path.join(tfjsWasm, f)),
    path.join(ortDist, 'ort-wasm-simd-threaded.wasm'), // onnxruntime-web/wasm's (the WASM EP only: half the size of the WebGPU build)
  ];
}

export interface PageBundle {
  /** The folder written: index.html, live.js, wasm/. */
  dir: string;
  /** Node built-ins and Node-side libraries bundled as empty modules, with the file that imports each. */
  stubbed: string[];
  /** live.js bytes. */
  bytes: number;
}

/**
 * Bundles the live page from mer's own package sources (esbuild, browser, ES module): `@mer/feature-extractors`
 * and `@mer/pipelines` resolve to their browser entries (src/browser.ts) and `onnxruntime-node` to onnxruntime-web's WASM build (the same
 * API); writes `dir/index.html`, `dir/live.js` and the runtimes' `.wasm` files into `dir/wasm/`.
 */
export async function bundleLivePage(dir: string, options: { minify?: boolean } = {}): Promise<PageBundle> {
  fs.mkdirSync(path.join(dir, 'wasm'), { recursive: true });
  const stubbed = new Set<string>();
  await build({
    entryPoints: [path.join(app, 'src/page/main.ts')],
    outfile: path.join(dir, 'live.js'),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: options.minify ?? true,
    legalComments: 'none',
    logLevel: 'error',
    tsconfig: path.join(root, 'tsconfig.base.json'),
    alias: {
      '@mer/feature-extractors': path.join(root, 'packages/feature-extractors/src/browser.ts'),
      '@mer/pipelines': path.join(root, 'apps/pipelines/src/browser.ts'),
    },
    // transformers.js: @mer/backend's tensor conversion require()s it inside a function the page never calls.
    external: ['@huggingface/transformers'],
    define: { 'process.env': '{}' },
    plugins: [oneOnnxRuntime(), emptyModules('empty-node-builtin', NODE_BUILTINS, stubbed), emptyModules('empty-node-side-library', NODE_SIDE_LIBRARIES, stubbed)],
  });
  fs.copyFileSync(path.join(app, 'src/page/index.html'), path.join(dir, 'index.html'));
  for (const f of wasmFiles()) fs.copyFileSync(f, path.join(dir, 'wasm', path.basename(f)));
  return { dir, stubbed: [...stubbed].sort(), bytes: fs.statSync(path.join(dir, 'live.js')).size };
}
