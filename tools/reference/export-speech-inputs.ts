// Writes what the speech-functionals reference (speech_functionals_reference.py) starts from: each
// recording decoded at 16 kHz by mer (ffmpeg) and mer's eGeMAPS descriptors of it, so that numpy
// recomputes the functionals (and the MFCC/Δ/ΔΔ front end) from the same samples.
//   npx tsx tools/reference/export-speech-inputs.ts <out-dir> <file.wav>...
// Per recording <name>: <name>.x16.f32, <name>.llds.f32 ([frames, 25]), <name>.voiced.u8, <name>.json.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeAudio, probe } from '@mer/media';
import { egemapsOfFile } from '@mer/feature-extractors';

async function main(): Promise<void> {
  const [out, ...files] = process.argv.slice(2);
  if (!out || files.length === 0) throw new Error('usage: export-speech-inputs.ts <out-dir> <file.wav>...');
  fs.mkdirSync(out, { recursive: true });
  for (const file of files) {
    const name = path.basename(file).replace(/\.[^.]+$/, '');
    const x16 = (await decodeAudio(file, { sampleRate: 16000 })).samples;
    const llds = await egemapsOfFile(file, await probe(file));
    fs.writeFileSync(path.join(out, `${name}.x16.f32`), Buffer.from(x16.buffer, x16.byteOffset, x16.byteLength));
    fs.writeFileSync(path.join(out, `${name}.llds.f32`), Buffer.from(llds.data.buffer, llds.data.byteOffset, llds.data.byteLength));
    fs.writeFileSync(path.join(out, `${name}.voiced.u8`), llds.voiced);
    fs.writeFileSync(path.join(out, `${name}.json`), JSON.stringify({ frames: llds.frames, timeStep: llds.timeStep, samples: x16.length }));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
