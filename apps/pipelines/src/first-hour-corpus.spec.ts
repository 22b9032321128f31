import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { locateFfmpeg } from '@mer/media';
import { analyze } from './analyze';
import { DEMO_CLASSES } from './demo-data';
import { extractDataset } from './workflow';

/**
 * The containers and oddities a new user's first folder holds, made by ffmpeg at test time: Matroska,
 * WebM (VP8 + Opus), MP3, a name with spaces, and an MP4 with two audio streams.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-first-hour-corpus-'));
const clips = path.join(dir, 'my clips');
const ffmpeg = (...args: string[]) => execFileSync(locateFfmpeg().ffmpeg, ['-v', 'error', '-y', ...args]);
const video = ['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10:duration=1'];
const tone = (hz: number) => ['-f', 'lavfi', '-i', `sine=frequency=${hz}:sample_rate=22050:duration=1`];
const files = {
  mkv: path.join(clips, 'a clip.mkv'),
  webm: path.join(clips, 'b.webm'),
  mp3: path.join(clips, 'c.mp3'),
  twoAudio: path.join(clips, 'd two audio.mp4'),
};

beforeAll(() => {
  fs.mkdirSync(clips, { recursive: true });
  ffmpeg(...video, ...tone(300), '-c:v', 'libx264', '-c:a', 'aac', files.mkv);
  ffmpeg(...video, ...tone(300), '-c:v', 'libvpx', '-c:a', 'libopus', files.webm);
  ffmpeg(...tone(300), '-c:a', 'libmp3lame', files.mp3);
  ffmpeg(...video, ...tone(300), ...tone(900), '-map', '0', '-map', '1', '-map', '2', '-c:v', 'libx264', '-c:a', 'aac', files.twoAudio);
});

describe("a new user's first folder", () => {
  it('mer analyze: every container with video is analysed, the MP3 is refused by name, two audio streams say which is used', async () => {
    const r = await analyze([clips], { out: path.join(dir, 'analysis') });
    expect(r.failed).toEqual([{ file: files.mp3, error: `${files.mp3}: no video stream — analyze reads faces (use mer extract / train for audio-only data)` }]);
    const done = new Map(r.files.map((a) => [a.file, a]));
    for (const f of [files.mkv, files.webm, files.twoAudio]) expect(done.get(f)?.frames).toBe(10);
    expect(done.get(files.twoAudio)!.notes).toContain('2 audio streams: the first is used (aac, 1 channel, 22050 Hz)');
    expect(done.get(files.mkv)!.notes.some((n) => n.includes('audio streams'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'analysis', 'a clip.csv'))).toBe(true);
  }, 120_000);

  it('mer extract: the same files for an audio-visual network, the MP3 with its video masked', async () => {
    const items = Object.entries(files).map(([id, file]) => ({ id, file, classLabel: 0, split: 'train' }));
    const report = await extractDataset({ pipeline: 'avt-ca', dataset: 'demo', out: path.join(dir, 'features'), items, classes: DEMO_CLASSES, extractor: { faces: 'none' } });
    expect(report.failed).toEqual([]);
    expect(report.extracted.sort()).toEqual(['mkv', 'mp3', 'twoAudio', 'webm']);
    expect(report.notes['mp3']).toContain('no video stream: video features masked');
    expect(report.notes['twoAudio']).toContain('2 audio streams: the first is used (aac, 1 channel, 22050 Hz)');
  }, 120_000);
});
