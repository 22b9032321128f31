import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { affWild2VideoName, croppedAlignedFrame, readAffWild2, readAffWild2TestNames, writeAbawVaSubmission } from './index';

let root: string;
const write = (rel: string, text: string) => {
  const f = path.join(root, rel);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, text);
  return f;
};

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-affwild2-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('Aff-Wild2 / ABAW VA reader', () => {
  it('reads the ABAW layout: -5 kept, left/right mapped to one video, cropped_aligned found', () => {
    write('VA_Estimation_Challenge/Train_Set/video10_1_left.txt', 'valence,arousal\n0.1,0.2\n-5,-5\n0.3,-0.4\n');
    write('VA_Estimation_Challenge/Train_Set/video10_1_right.txt', 'valence,arousal\n0.5,0.5\n0.6,0.4\n');
    write('VA_Estimation_Challenge/Train_Set/12-24-1920x1080.txt', 'valence,arousal\n0.0,0.1\n');
    write('videos/video10_1.mp4', 'x');
    write('videos/12-24-1920x1080.avi', 'x');
    write('cropped_aligned/video10_1_left/00001.jpg', 'x');
    const items = readAffWild2({ root, split: 'train' });
    expect(items.map((i) => i.name)).toEqual(['12-24-1920x1080', 'video10_1_left', 'video10_1_right']);
    const left = items[1];
    expect(left).toMatchObject({ videoName: 'video10_1', person: 'left', split: 'train', labelledFrames: 2 });
    expect(Array.from(left.valence)).toEqual([expect.closeTo(0.1, 6), -5, expect.closeTo(0.3, 6)]);
    expect(left.videoFile).toBe(path.join(root, 'videos/video10_1.mp4'));
    expect(items[2].videoFile).toBe(left.videoFile); // audio and video shared by both people
    expect(left.croppedAlignedDir).toBe(path.join(root, 'cropped_aligned/video10_1_left'));
    expect(items[2].croppedAlignedDir).toBeUndefined();
    expect(items[0].videoFile).toMatch(/\.avi$/);
    expect(croppedAlignedFrame(left.croppedAlignedDir!, 0)).toMatch(/00001\.jpg$/);
  });

  it('reads the older annotations/VA_Set layout', () => {
    write('annotations/VA_Set/Validation_Set/120.txt', 'valence,arousal\n0.2,0.2\n');
    const items = readAffWild2({ root, split: 'validation' });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ name: '120', videoName: '120', split: 'validation' });
    expect(affWild2VideoName('video2')).toEqual({ videoName: 'video2' });
  });

  it('bad annotation files are errors naming file, line and problem', () => {
    const f = write('VA_Estimation_Challenge/Train_Set/a.txt', 'valence,arousal\n0.1,0.2\n0.1,0.2,0.3\n');
    expect(() => readAffWild2({ root, split: 'train' })).toThrow(`Annotation file ${f} line 3: expected 2 columns "valence,arousal", got 3`);
    fs.writeFileSync(f, 'arousal,valence\n0.1,0.2\n');
    expect(() => readAffWild2({ root, split: 'train' })).toThrow(`Annotation file ${f} line 1: expected header "valence,arousal"`);
    fs.writeFileSync(f, 'valence,arousal\n0.1,1.7\n');
    expect(() => readAffWild2({ root, split: 'train' })).toThrow(`line 2: arousal 1.7 is outside [-1, 1]`);
    fs.writeFileSync(f, 'valence,arousal\nNaN,0.1\n');
    expect(() => readAffWild2({ root, split: 'train' })).toThrow(`line 2: valence "NaN" is not a number`);
    expect(() => readAffWild2({ root, split: 'validation' })).toThrow(/no Aff-Wild2 VA annotations for split 'validation'/);
  });

  it('reads the test-set name list and writes the submission file atomically', () => {
    const list = write('test.txt', 'video1\n# comment\n\n12-24-1920x1080_left.txt\n');
    expect(readAffWild2TestNames(list)).toEqual(['video1', '12-24-1920x1080_left']);
    const out = path.join(root, 'sub', 'predictions.txt');
    writeAbawVaSubmission(out, [{ name: 'video1', valence: [0.5, 1.4], arousal: [-0.2, -0.3] }]);
    expect(fs.readFileSync(out, 'utf8')).toBe('image_location,valence,arousal\nvideo1/00001.jpg,0.5,-0.2\nvideo1/00002.jpg,1,-0.3\n');
    expect(fs.readdirSync(path.dirname(out))).toEqual(['predictions.txt']);
    expect(() => writeAbawVaSubmission(out, [{ name: 'v', valence: [NaN], arousal: [0] }])).toThrow('v frame 1: prediction (NaN, 0) is not finite');
  });
});
