import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HashedTextEncoder } from './hashed-text-encoder';
import { interpolateToFrames, parseTranscript, readTranscript } from './transcript';

describe('transcripts', () => {
  it('parses bracket lines, SRT and WebVTT to the same segments', () => {
    const bracket = '[0.50s - 1.25s] hello there\n\n[2.0s - 3.5s] how are you\n';
    const srt = '1\n00:00:00,500 --> 00:00:01,250\nhello\nthere\n\n2\n00:00:02,000 --> 00:00:03,500\nhow are you\n';
    const vtt = 'WEBVTT\n\nNOTE made by hand\n\n00:00.500 --> 00:01.250 align:start\n<v Ann>hello there\n\nq2\n00:00:02.000 --> 00:00:03.500\nhow are you\n';
    const expected = [
      { start: 0.5, end: 1.25, text: 'hello there' },
      { start: 2, end: 3.5, text: 'how are you' },
    ];
    expect(parseTranscript(bracket)).toEqual(expected);
    expect(parseTranscript(srt)).toEqual(expected);
    expect(parseTranscript(vtt)).toEqual(expected);
  });

  it('names the file and line of a bad line, and a missing file', () => {
    expect(() => parseTranscript('[0.5s - 1s] ok\nwhat is this', 'talk.txt')).toThrow("talk.txt:2: not a transcript line");
    expect(() => parseTranscript('[3s - 1s] backwards', 'talk.txt')).toThrow('talk.txt:1: segment ends (1s) before it starts (3s)');
    expect(() => readTranscript(path.join(os.tmpdir(), 'mer-no-such-transcript.srt'))).toThrow('transcript file not found');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mer-tr-')), 'a.srt');
    fs.writeFileSync(file, '1\n00:00:01,000 --> 00:00:02,000\nhi\n');
    expect(readTranscript(file)).toEqual([{ start: 1, end: 2, text: 'hi' }]);
  });

  it('eq. 12: segment vectors onto frame times, linear between centres, masked outside speech', () => {
    const segments = [
      { start: 0, end: 1, text: 'a' },
      { start: 1, end: 2, text: 'b' },
      { start: 3, end: 4, text: 'c' },
    ];
    const emb = Float32Array.from([0, 10, 20]); // dim 1
    const linear = interpolateToFrames(segments, emb, 1, 10, 2, 'linear'); // frames at 0, .5, 1, …, 4.5 s
    expect(Array.from(linear.mask)).toEqual([1, 1, 1, 1, 0, 0, 1, 1, 0, 0]);
    // centres 0.5, 1.5, 3.5: t=0 → 0 (held before the first centre); t=1 → 5; t=1.5 → 10; t=3 and 3.5 → between 1.5 and 3.5
    expect(Array.from(linear.data)).toEqual([0, 0, 5, 10, 0, 0, 10 + 10 * (1.5 / 2), 10 + 10 * (2 / 2), 0, 0]);
    const hold = interpolateToFrames(segments, emb, 1, 10, 2, 'hold');
    expect(Array.from(hold.data)).toEqual([0, 0, 10, 10, 0, 0, 20, 20, 0, 0]);
    expect(() => interpolateToFrames(segments, emb, 2, 10, 2)).toThrow('3 values for 3 segments × 2');
  });

  it('hashed text encoder: deterministic, unit norm, similar texts closer than different ones', () => {
    const enc = new HashedTextEncoder(256);
    const [a, b, c, empty] = [0, 1, 2, 3].map((i) => enc.encode(['I am so happy today', 'i am so HAPPY today!', 'the train leaves at noon', ''])
      .subarray(i * 256, (i + 1) * 256));
    const dot = (x: Float32Array, y: Float32Array) => x.reduce((s, v, i) => s + v * y[i], 0);
    expect(dot(a, a)).toBeCloseTo(1, 5);
    expect(dot(a, b)).toBeCloseTo(1, 5);
    expect(dot(a, c)).toBeLessThan(0.5);
    expect(empty.every((v) => v === 0)).toBe(true);
  });
});

describe('ASR output → segments', () => {
  it('timestamped chunks become segments; an open last chunk closes at the audio end; empty ones drop', async () => {
    const { segmentsFromAsr } = await import('./speech-transcriber');
    expect(
      segmentsFromAsr(
        { text: ' Hello there. How are you?', chunks: [{ timestamp: [0, 1.5], text: ' Hello there.' }, { timestamp: [1.5, 1.5], text: ' ' }, { timestamp: [2, null], text: ' How are you?' }] },
        4.2,
      ),
    ).toEqual([
      { start: 0, end: 1.5, text: 'Hello there.' },
      { start: 2, end: 4.2, text: 'How are you?' },
    ]);
    expect(segmentsFromAsr({ text: ' hi ' }, 3)).toEqual([{ start: 0, end: 3, text: 'hi' }]);
    expect(segmentsFromAsr({ text: '' }, 3)).toEqual([]);
  });
});
