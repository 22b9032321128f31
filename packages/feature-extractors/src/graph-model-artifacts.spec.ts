import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mer/backend';
import { locateFfmpeg } from '@mer/media';
import { ExpressionClassifier } from './analysis/expression-classifier';
import { FaceDetector } from './face-detector';
import { PORTRAIT } from './fixtures/face-clip';
import { FrozenGraph } from './frozen-graph';
import { graphModelArtifacts, GraphModelJson, graphModelShardPaths } from './graph-model-artifacts';
import { humanModelPath, readGraphModelFiles } from './graph-model-files';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/** A graph model's files as a browser page has them: model.json parsed, shards as bytes. */
function fetched(name: string): tf.io.ModelArtifacts {
  const file = humanModelPath(name);
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as GraphModelJson;
  return graphModelArtifacts(json, graphModelShardPaths(json).map((p) => new Uint8Array(fs.readFileSync(path.join(path.dirname(file), p)))));
}

describe('graph models from bytes in memory (the browser path): the same models as from disk', () => {
  it('artifacts equal those read from disk; the expression model and BlazeFace give the same outputs', async () => {
    const fromDisk = readGraphModelFiles(humanModelPath('emotion'));
    const inMemory = fetched('emotion');
    expect(inMemory.weightSpecs).toEqual(fromDisk.weightSpecs);
    expect(new Uint8Array(inMemory.weightData as ArrayBuffer)).toEqual(new Uint8Array(fromDisk.weightData as ArrayBuffer));

    const [a, b] = [await ExpressionClassifier.load(), await ExpressionClassifier.load({ model: inMemory })];
    const crops = tf.randomUniform([2, 64, 64, 3], 0, 255, 'float32', 5) as tf.Tensor4D;
    const [pa, pb] = [await a.classify(crops), await b.classify(crops)];
    expect(Array.from(await pb.data())).toEqual(Array.from(await pa.data()));
    tf.dispose([crops, pa, pb]);
    [a, b].forEach((m) => m.dispose());

    // BlazeFace's raw outputs (boxes and scores of all 896 anchors) on a frame's bytes.
    const pixels = { height: 256, width: 256, divide: 127.5, subtract: 1 };
    const [ga, gb] = [await FrozenGraph.load(humanModelPath('blazeface'), { pixels }), await FrozenGraph.fromArtifacts('blazeface.json', fetched('blazeface'), { pixels })];
    const frame = { data: Uint8Array.from({ length: 96 * 128 * 3 }, (_, i) => (i * 37) % 251), height: 96, width: 128 };
    const [oa, ob] = [await ga.runPixelsData(frame), await gb.runPixelsData(frame)];
    expect(oa.map((o) => o.dims.slice(1).join('x')).sort()).toEqual(['384x1', '384x16', '512x1', '512x16']);
    expect(ob).toEqual(oa);
    [ga, gb].forEach((m) => m.dispose());
  });

  it('BlazeFace converted here and opened from plain data (what a worker receives) finds what the loaded detector finds', async () => {
    const raw = execFileSync(locateFfmpeg().ffmpeg, ['-loglevel', 'error', '-i', PORTRAIT, '-vf', 'scale=320:240', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
    const frame = { data: new Uint8Array(raw), width: 320, height: 240 };
    const loaded = await FaceDetector.load({ model: fetched('blazeface'), letterbox: false });
    const converted = structuredClone(await FaceDetector.convert(fetched('blazeface')));
    expect(converted.bytes).toBeInstanceOf(Uint8Array);
    const opened = await FaceDetector.fromConverted(converted, { letterbox: false });
    for (const geometry of ['stretch', 'letterbox'] as const) {
      const [a, b] = [await loaded.detectPixels(frame, { geometry, largest: true }), await opened.detectPixels(frame, { geometry, largest: true })];
      expect(a.length).toBeGreaterThanOrEqual(1);
      expect(a[0].score).toBeGreaterThan(0.5);
      expect(b).toEqual(a);
    }
    [loaded, opened].forEach((d) => d.dispose());
  });

  it('shards are listed in manifest order; a missing model.json is named', () => {
    const json = { modelTopology: {}, weightsManifest: [{ paths: ['a.bin', 'b.bin'], weights: [] }] } as GraphModelJson;
    expect(graphModelShardPaths(json)).toEqual(['a.bin', 'b.bin']);
    expect(() => readGraphModelFiles('/nonexistent/model.json')).toThrow('/nonexistent/model.json: model file not found');
  });
});
