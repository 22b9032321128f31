import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@mer/backend';
import { decodeAudio, generateTestClip } from '@mer/media';
import { getExtractor, listExtractors, registerExtractor, type ExtractorDefinition } from './extractor-registry';
import { loadExtractorModules } from './extractor-modules';
import type { ExtractionPlan } from './extraction-types';
import { PipelineExtractor } from './pipeline-extractor';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-extractor-registry-'));
const tone = generateTestClip(path.join(dir, 'tone.wav'), { seconds: 1.6, toneHz: 500 });

/** Root-mean-square and zero-crossing rate of 1/4-second blocks of the clip at 16 kHz: a user's own 2-number extractor. */
const blockStats: ExtractorDefinition = {
  kind: 'test-block-stats',
  modality: 'audio',
  timings: ['clip', 'frames'],
  about: 'RMS and zero-crossing rate per 1/4 s block',
  width: 2,
  async create() {
    const stats = (x: Float32Array) => {
      let e = 0;
      let z = 0;
      for (let i = 0; i < x.length; i++) {
        e += x[i] * x[i];
        if (i > 0 && x[i - 1] < 0 !== x[i] < 0) z++;
      }
      return [Math.sqrt(e / x.length), z / x.length];
    };
    return {
      describe: () => ({ extractor: 'test-block-stats', dim: 2, config: { block: 0.25 } }),
      async clip(file, span) {
        const all = await file.audio(16000);
        const x = all.subarray(Math.round((all.length - span.seconds * 16000) / 2));
        const rows = Math.round(span.seconds / 0.25);
        const data = Float32Array.from(Array.from({ length: rows }, (_, r) => stats(x.subarray(r * 4000, (r + 1) * 4000))).flat());
        return { data, frames: rows };
      },
      async rows(r) {
        const x = await r.file.audio(16000);
        return { data: Float32Array.from(Array.from(r.times, (t) => stats(x.subarray(Math.round(t * 16000), Math.round(t * 16000) + 640))).flat()) };
      },
    };
  },
};

const clipPlan: ExtractionPlan = { name: 'custom-clip', timing: { kind: 'clip', seconds: 1, frames: 4 }, streams: [{ name: 'audio', modality: 'audio', extractor: 'mfcc' }] };

beforeAll(async () => {
  await initBackend();
});

describe('extractor registry', () => {
  it("lists mer's extractors with modality, timings and width; an unknown kind names the registered ones", () => {
    const kinds = listExtractors().map((d) => d.kind);
    expect(kinds).toEqual(expect.arrayContaining(['face', 'logmel-mean-std', 'mfcc', 'egemaps', 'egemaps-functionals', 'hashed-words', 'hub-audio', 'vggish']));
    expect(getExtractor('mfcc')).toMatchObject({ modality: 'audio', timings: ['clip'], width: 10 });
    expect(getExtractor('egemaps-functionals').width).toBe(77);
    expect(() => getExtractor('no-such')).toThrow(/no extractor 'no-such' is registered \(registered: face, /);
    expect(() => registerExtractor({ ...blockStats, modality: 'smell' as never })).toThrow(/modality must be audio, visual or text/);
  });

  it('a registered extractor computes a stream through --stream, on clips: its rows are written, its width recorded', async () => {
    registerExtractor(blockStats);
    const ex = await PipelineExtractor.create(clipPlan, { faces: 'none', streams: { audio: 'test-block-stats' } });
    expect(ex.streams).toEqual([{ name: 'audio', modality: 'audio', extractor: 'test-block-stats', dim: 2, config: { block: 0.25 } }]);
    const item = await ex.extract(tone);
    const audio = item.streams['audio'];
    expect([audio.frames, audio.dim]).toEqual([4, 2]);
    // The centred second of the 1.6 s tone is the tone: RMS of a 0.8-amplitude-or-so sine, and 2 × 500 crossings a second.
    const x = (await decodeAudio(tone, { sampleRate: 16000 })).samples.subarray(4800, 4800 + 16000);
    const rms = Math.sqrt(x.subarray(0, 4000).reduce((s, v) => s + v * v, 0) / 4000);
    expect(audio.data[0]).toBeCloseTo(rms, 5);
    expect(audio.data[1]).toBeCloseTo(1000 / 16000, 2);
    expect(Array.from(audio.mask)).toEqual([1, 1, 1, 1]);
    ex.dispose();
  });

  it('on frame-timed plans without a visual stream, rows come at 1/25 s over the file', async () => {
    const plan: ExtractionPlan = { name: 'custom-frames', timing: { kind: 'frames' }, streams: [{ name: 'audio', modality: 'audio', extractor: 'test-block-stats' }] };
    const ex = await PipelineExtractor.create(plan);
    const item = await ex.extract(tone);
    expect([item.frames, item.fps]).toEqual([40, 25]);
    expect(item.times[3]).toBeCloseTo(3 / 25, 9);
    expect(item.streams['audio'].data.length).toBe(80);
    expect(item.streams['audio'].data[2 * 10 + 1]).toBeCloseTo(1000 / 16000, 2);
    ex.dispose();
  });

  it('refuses an extractor of another modality or timing, naming the stream', async () => {
    await expect(PipelineExtractor.create(clipPlan, { streams: { audio: 'hashed-words' } })).rejects.toThrow("custom-clip: stream 'audio' is audio but extractor 'hashed-words' computes text");
    await expect(PipelineExtractor.create(clipPlan, { streams: { audio: 'logmel-halves' } })).rejects.toThrow("custom-clip: extractor 'logmel-halves' does not run on clip-timed plans");
    await expect(PipelineExtractor.create(clipPlan, { streams: { audio: 'nope' } })).rejects.toThrow(/stream 'audio' names extractor 'nope', which is not one of face, /);
  });

  it('loads extractors from a module named in the options (as a store or run records them)', async () => {
    const file = path.join(dir, 'peak-extractor.js');
    fs.writeFileSync(
      file,
      `exports.peak = { kind: 'test-peak', modality: 'audio', timings: ['clip'], about: 'peak amplitude', width: 1,
  create: async () => ({ describe: () => ({ extractor: 'test-peak', dim: 1, config: {} }),
    clip: async (file) => { const x = await file.audio(16000); let m = 0; for (const v of x) m = Math.max(m, Math.abs(v)); return { data: Float32Array.of(m), frames: 1 }; } }) };\n`,
    );
    expect(loadExtractorModules([file])).toEqual(['test-peak']);
    const ex = await PipelineExtractor.create(clipPlan, { faces: 'none', streams: { audio: 'test-peak' }, modules: [file] });
    const item = await ex.extract(tone);
    const x = (await decodeAudio(tone, { sampleRate: 16000 })).samples;
    expect(item.streams['audio'].data[0]).toBeCloseTo(x.reduce((m, v) => Math.max(m, Math.abs(v)), 0), 6);
    expect(() => loadExtractorModules([path.join(dir, 'missing.js')])).toThrow(/missing\.js: file not found/);
    ex.dispose();
  });
});
