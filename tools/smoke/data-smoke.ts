/**
 * Real-data smoke run over ../shared/data (small real recordings that live beside the repo, never in
 * it): reads EmoDB speaker 03 and RAVDESS actor 01 with @mer/datasets, probes and decodes the two
 * real mp4 clips with @mer/media, and prints counts per label and probe results.
 * Run: npm run smoke:data [-- <data dir>]   (.ci/run runs it when ../shared/data exists)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend } from '@mer/backend';
import { readEmoDb, readRavdess } from '@mer/datasets';
import { extractFaceTrack, FaceDetector, FaceEmbedder } from '@mer/feature-extractors';
import { decodeAudio, probe, readVideoFrames } from '@mer/media';

function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return out;
}

async function main(): Promise<void> {
  const dataDir = path.resolve(process.argv[2] ?? path.join(__dirname, '../../../shared/data'));
  if (!fs.existsSync(dataDir)) throw new Error(`${dataDir}: no data folder`);

  const emodb = readEmoDb({ root: path.join(dataDir, 'emodb-speaker03') });
  const emodbProbe = await probe(emodb[0].file);
  console.log(JSON.stringify({ dataset: 'emodb', items: emodb.length, speakers: countBy(emodb, (i) => i.speaker), perEmotion: countBy(emodb, (i) => i.emotionName), firstFile: { sampleRate: emodbProbe.audio[0].sampleRate, channels: emodbProbe.audio[0].channels, duration: +emodbProbe.duration.toFixed(2) } }));

  const ravdess = readRavdess({ root: path.join(dataDir, 'ravdess-actor01') });
  const rProbe = await probe(ravdess[0].file);
  console.log(JSON.stringify({ dataset: 'ravdess', items: ravdess.length, perEmotion: countBy(ravdess, (i) => i.emotionName), perIntensity: countBy(ravdess, (i) => i.intensity), firstFile: { sampleRate: rProbe.audio[0].sampleRate, channels: rProbe.audio[0].channels, duration: +rProbe.duration.toFixed(2) } }));

  const clipsDir = path.join(dataDir, 'clips');
  await initBackend();
  const detector = await FaceDetector.load();
  const embedder = await FaceEmbedder.load('expression');
  for (const name of fs.readdirSync(clipsDir).filter((f) => f.endsWith('.mp4')).sort()) {
    const file = path.join(clipsDir, name);
    const info = await probe(file);
    const counted = await probe(file, { countFrames: true });
    let decoded = 0;
    const t0 = performance.now();
    for await (const b of readVideoFrames(file, { width: 224, info })) decoded += b.count;
    const decodeS = (performance.now() - t0) / 1000;
    const audio = await decodeAudio(file, { sampleRate: 16000, info });
    console.log(
      JSON.stringify({
        clip: name,
        duration: +info.duration.toFixed(3),
        fps: `${info.video?.fpsRational.num}/${info.video?.fpsRational.den}`,
        size: `${info.video?.width}x${info.video?.height}`,
        containerFrames: info.video?.frameCount,
        decodableFrames: counted.video?.frameCount,
        decodedFrames: decoded,
        decodeFps224: +(decoded / decodeS).toFixed(1),
        audio: info.audio.map((a) => `${a.codec} ${a.sampleRate} Hz ${a.channels} ch`),
        audioSeconds16k: +audio.duration.toFixed(3),
      }),
    );
    if (decoded !== counted.video?.frameCount) throw new Error(`${file}: streamed ${decoded} frames but ffprobe decodes ${counted.video?.frameCount}`);
    const t1 = performance.now();
    const track = await extractFaceTrack(file, detector, embedder, { detectEvery: 5, info });
    const withFace = track.mask.reduce((n, m) => n + m, 0);
    console.log(JSON.stringify({ clip: name, faceFrames: withFace, frames: track.frames, faceRatio: +(withFace / track.frames).toFixed(3), featureDim: track.dim, faceFps: +(track.frames / ((performance.now() - t1) / 1000)).toFixed(1) }));
    if (track.frames !== decoded) throw new Error(`${file}: face track has ${track.frames} frames, the video ${decoded}`);
    if (withFace / track.frames < 0.9) throw new Error(`${file}: a face in only ${withFace} of ${track.frames} frames (< 90 %)`);
  }
  console.log('data smoke: ok');
}

main().catch((e) => {
  console.error(`data smoke failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
