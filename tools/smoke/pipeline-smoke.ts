/**
 * Real-data pipeline smoke over ../shared/data (never copied into the repo):
 * 1. AVT-CA (lite) on EmoDB speaker 03 — audio-only files, so the video stream is masked and the
 *    audio branch does the work — with a seeded stratified speaker-internal split (30 % test):
 *    accuracy and macro-F1 against chance.
 * 2. `mer predict` (the CLI, from source) on the two real mp4 clips with a MAVEN-lite run trained
 *    briefly on generated clips: the per-frame CSV must have one row per decoded frame.
 * 3. 112×112 face crops of the real clips: a face in ≥ 90 % of the frames.
 * 4. `crossValidate` leave-one-speaker-out on three EmoDB speakers (03, 08, 10 of data/emodb) with
 *    AVT-CA's default profile (per-speaker standardisation): every fold's UAR above chance on average.
 * Prints one JSON line per check. Run: npm run smoke:pipelines [-- <data dir>]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@mer/backend';
import { extractFaceCrops, FaceDetector } from '@mer/feature-extractors';
import { probe } from '@mer/media';
import { createPipeline, crossValidate, datasetItems, generateVaDemo, summariseMetrics, trainRun, extractDataset } from '@mer/pipelines';

async function emodb(dataDir: string): Promise<void> {
  const ds = datasetItems(`emodb:${path.join(dataDir, 'emodb-speaker03')}`, { split: 'random:0.3', seed: 7 });
  const train = ds.items.filter((i) => i.split === 'train');
  const test = ds.items.filter((i) => i.split === 'test');
  const t0 = Date.now();
  const p = await createPipeline('avt-ca', {
    preset: 'lite',
    classes: ds.classes,
    extractor: { faces: 'none' },
    training: { epochs: 40, batchSize: 8, learningRate: 1e-3, optimizer: 'adam' },
  });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-smoke-emodb-'));
  const history = await p.fit(train, { runDir: work });
  const m = await p.evaluate(test, { featuresDir: path.join(work, 'features') });
  p.dispose();
  if (m.task !== 'classification') throw new Error('expected classification metrics');
  const counts = new Map<number, number>();
  for (const i of test) counts.set(i.classLabel!, (counts.get(i.classLabel!) ?? 0) + 1);
  const majority = Math.max(...counts.values()) / test.length;
  const s = summariseMetrics(m);
  console.log(JSON.stringify({ check: 'emodb-avt-ca-audio', train: train.length, test: test.length, classes: ds.classes!.length, epochs: history.length, accuracy: s.accuracy, macroF1: s.macroF1, chanceAccuracyMajority: majority, chanceAccuracyUniform: 1 / ds.classes!.length, chanceMacroF1Uniform: 1 / ds.classes!.length, seconds: (Date.now() - t0) / 1000 }));
  if (!(m.classification.accuracy > majority)) throw new Error(`EmoDB: accuracy ${m.classification.accuracy.toFixed(3)} is not above the majority-class rate ${majority.toFixed(3)}`);
}

/** Three EmoDB speakers, leave one out, the default small-data profile (each speaker standardised by their own recordings). */
async function emodbLoso(dataDir: string): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-smoke-loso-'));
  const data = path.join(work, 'emodb');
  fs.mkdirSync(data);
  const speakers = ['03', '08', '10'];
  for (const f of fs.readdirSync(path.join(dataDir, 'emodb')).filter((n) => n.endsWith('.wav') && speakers.includes(n.slice(0, 2)))) fs.symlinkSync(path.join(dataDir, 'emodb', f), path.join(data, f));
  const t0 = Date.now();
  const features = path.join(work, 'features');
  await extractDataset({ pipeline: 'avt-ca', dataset: `emodb:${data}`, out: features, extractor: { faces: 'none' }, preset: 'lite' });
  const notes: string[] = [];
  const cv = await crossValidate({ features, out: path.join(work, 'cv'), folds: 'loso', preset: 'lite', training: { epochs: 20 }, onNote: (n) => notes.push(n) });
  const uar = cv.summary['uar'].mean;
  console.log(JSON.stringify({ check: 'emodb-loso-3-speakers', folds: cv.folds.map((f) => ({ heldOut: f.heldOut.join(','), uar: +(f.metrics['uar'] as number).toFixed(3) })), uar: +uar.toFixed(3), chanceUar: +(1 / 7).toFixed(3), notes, seconds: (Date.now() - t0) / 1000 }));
  if (notes.length > 0) throw new Error(`EmoDB names its speakers, yet: ${notes.join('; ')}`);
  if (!(uar > 1 / 7)) throw new Error(`EmoDB leave-one-speaker-out: mean UAR ${uar.toFixed(3)} is not above chance (${(1 / 7).toFixed(3)})`);
}

async function predictRealClips(dataDir: string): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-smoke-predict-'));
  const items = generateVaDemo({ dir: path.join(work, 'data'), train: 3, test: 1, seconds: 3 });
  const features = path.join(work, 'features');
  await extractDataset({ pipeline: 'maven', dataset: 'demo', out: features, items, extractor: { faces: 'detect' } });
  const run = path.join(work, 'run');
  await trainRun({ features, out: run, preset: 'lite', training: { epochs: 2, batchSize: 2, learningRate: 1e-3, window: { size: 16, hop: 8 } } });
  const clips = fs.readdirSync(path.join(dataDir, 'clips')).filter((f) => f.endsWith('.mp4')).sort().map((f) => path.join(dataDir, 'clips', f));
  const out = path.join(work, 'predictions');
  const cli = path.join(__dirname, '../../apps/cli/src/main.ts');
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [path.join(__dirname, '../../node_modules/tsx/dist/cli.mjs'), cli, 'predict', '--run', run, '--out', out, '--plot', '--json', ...clips], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mer predict failed (${r.status}): ${r.stderr}`);
  const seconds = (Date.now() - t0) / 1000;
  for (const clip of clips) {
    const rows = fs.readFileSync(path.join(out, path.basename(clip).replace(/\.mp4$/, '.csv')), 'utf8').trim().split('\n').length - 1;
    const frames = (await probe(clip, { countFrames: true })).video!.frameCount;
    console.log(JSON.stringify({ check: 'mer-predict-real-clip', clip: path.basename(clip), csvRows: rows, decodedFrames: frames, equal: rows === frames }));
    if (rows !== frames) throw new Error(`${clip}: ${rows} CSV rows for ${frames} frames`);
  }
  console.log(JSON.stringify({ check: 'mer-predict-wall', clips: clips.length, seconds }));
}

/** 112×112 face crops of the real clips: a face in ≥ 90 % of frames. */
async function faceCrops(dataDir: string): Promise<void> {
  await initBackend();
  const detector = await FaceDetector.load();
  for (const name of fs.readdirSync(path.join(dataDir, 'clips')).filter((f) => f.endsWith('.mp4')).sort()) {
    const crops = await extractFaceCrops(path.join(dataDir, 'clips', name), detector, { size: 112, detectEvery: 5 });
    const faces = crops.mask.reduce((n, m) => n + m, 0);
    console.log(JSON.stringify({ check: 'face-crops-112', clip: name, frames: crops.indices.length, faces, ratio: +(faces / crops.indices.length).toFixed(3) }));
    if (faces / crops.indices.length < 0.9) throw new Error(`${name}: a face in only ${faces}/${crops.indices.length} frames`);
  }
  detector.dispose();
}

async function main(): Promise<void> {
  const dataDir = path.resolve(process.argv[2] ?? path.join(__dirname, '../../../shared/data'));
  if (!fs.existsSync(dataDir)) throw new Error(`${dataDir}: no data folder`);
  await faceCrops(dataDir);
  await emodb(dataDir);
  await emodbLoso(dataDir);
  await predictRealClips(dataDir);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
