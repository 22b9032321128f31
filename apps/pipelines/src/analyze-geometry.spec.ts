import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { locateFfmpeg, probe, writeDisplayRotated } from '@mer/media';
import { analyze, AnalyzedFile } from './analyze';

// The same face stored in different ways must read the same: the portrait in human's FaceID screenshot
// (MIT, shipped in its npm package), drifting over a grey 640 × 360 canvas for 6 s at 10 fps; each
// variant below holds the same pixels (lossless re-encodes of the upright clip).
const portrait = path.join(path.dirname(require.resolve('@vladmandic/human')), '../assets/screenshot-faceid.jpg');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-geometry-'));
const ffmpeg = (args: string[]) => execFileSync(locateFfmpeg().ffmpeg, ['-loglevel', 'error', '-y', ...args]);
const lossless = ['-c:v', 'libx264', '-qp', '0', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];

let upright: string;
let reference: AnalyzedFile;

/** CSV rows of an analysed file: frame, face_id, box [x, y, w, h]. */
function rows(r: AnalyzedFile): { frame: number; id: string; box: number[] }[] {
  return fs
    .readFileSync(r.csv, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','))
    .filter((c) => c[8] === '1')
    .map((c) => ({ frame: Number(c[0]), id: c[2], box: c.slice(3, 7).map(Number) }));
}

async function analyseOne(file: string, face: 'largest' | 'all' = 'largest'): Promise<AnalyzedFile> {
  const r = await analyze([file], { out: path.join(dir, path.basename(file, '.mp4')), face });
  expect(r.failed).toEqual([]);
  return r.files[0];
}

const largestGap = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));

beforeAll(async () => {
  upright = path.join(dir, 'upright.mp4');
  const filter = "[0]crop=160:160:4:132,scale=200:200[f];color=c=gray:s=640x360:r=10[bg];[bg][f]overlay=x='200+20*t':y=80:shortest=1,format=yuv420p[v]";
  ffmpeg(['-loop', '1', '-i', portrait, '-filter_complex', filter, '-map', '[v]', '-t', '6', '-c:v', 'libx264', '-preset', 'ultrafast', upright]);
  reference = await analyseOne(upright);
  expect(reference.faceFrames).toBe(60);
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('mer analyze: geometry that follows the face, not how the video was stored', () => {
  it('rotation metadata (phones): the same expressions as the upright clip, boxes in displayed pixels', async () => {
    const turned = await writeDisplayRotated(upright, path.join(dir, 'phone.mp4'), 90);
    expect((await probe(turned)).video).toMatchObject({ codedWidth: 360, codedHeight: 640, rotation: 90, width: 640, height: 360 });
    const r = await analyseOne(turned);
    expect(r.faceFrames).toBe(60);
    expect(largestGap(r.meanProbabilities, reference.meanProbabilities)).toBeLessThanOrEqual(0.05);
    const [mine, theirs] = [rows(r), rows(reference)];
    mine.forEach((row, i) => expect(largestGap(row.box, theirs[i].box)).toBeLessThanOrEqual(1));
  }, 120_000);

  it('640 × 360 and the same pixels padded to 1280 × 720: the same expressions (the crop is cut from the source, not a 256² stretch)', async () => {
    const padded = path.join(dir, 'padded.mp4');
    ffmpeg(['-i', upright, '-vf', 'pad=1280:720:320:180', ...lossless, padded]);
    const r = await analyseOne(padded);
    expect(r.faceFrames).toBe(60);
    expect(largestGap(r.meanProbabilities, reference.meanProbabilities)).toBeLessThanOrEqual(0.05);
    // The boxes are the upright clip's, moved by the padding (BlazeFace is found again around each face).
    const [mine, theirs] = [rows(r), rows(reference)];
    mine.forEach((row, i) => expect(largestGap(row.box, [theirs[i].box[0] + 320, theirs[i].box[1] + 180, theirs[i].box[2], theirs[i].box[3]])).toBeLessThanOrEqual(6));
  }, 120_000);

  it('two people side by side in 1280 × 360, --faces all: two stable faces on ≥ 95 % of frames', async () => {
    const side = path.join(dir, 'side-by-side.mp4');
    ffmpeg(['-i', upright, '-filter_complex', '[0:v]split[a][b];[b]hflip[c];[a][c]hstack', ...lossless, side]);
    const r = await analyseOne(side, 'all');
    const byFrame = new Map<number, { id: string; left: boolean }[]>();
    for (const row of rows(r)) byFrame.set(row.frame, [...(byFrame.get(row.frame) ?? []), { id: row.id, left: row.box[0] + row.box[2] / 2 < 640 }]);
    // Two faces, one each side, each side on the id it had first.
    const first = byFrame.get(0) ?? [];
    const idOf = (left: boolean) => first.find((f) => f.left === left)?.id;
    const stable = [...byFrame.values()].filter((faces) => faces.length === 2 && faces.every((f) => f.id === idOf(f.left)) && faces[0].left !== faces[1].left);
    expect(idOf(true)).toBeDefined();
    expect(idOf(false)).toBeDefined();
    expect(stable.length).toBeGreaterThanOrEqual(0.95 * r.frames);
  }, 120_000);
});
