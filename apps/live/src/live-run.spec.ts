import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'puppeteer-core';
import { folderFiles, generateTestClip } from '@mer/media';
import { extractDataset, readManifest, trainRun, UtteranceRun } from '@mer/pipelines';
import { bundleLivePage } from '../tools/page-bundle';
import { LiveClip, makeLiveClip } from '../tools/live-clip';
import { launchWithFakeDevices, openLivePage, pollRunList } from '../tools/live-browser';
import { LiveServer, startLiveServer } from './live-server';
import type { LiveUtterance } from './page/live-run';

// `mer live --run`: a speech-kernel run trained here (EmoDB-named tones), the page in headless Chromium
// hearing the generated clip's synthetic speech on its fake microphone.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-live-run-'));
const run = path.join(dir, 'run');
let pageDir: string;
let clip: LiveClip;
let server: LiveServer;
let browser: Browser;

beforeAll(async () => {
  const data = path.join(dir, 'emodb');
  fs.mkdirSync(data);
  for (const [speaker, hz] of Object.entries({ '03': 140, '08': 180, '10': 220 })) {
    for (let k = 0; k < 3; k++) {
      for (const [emotion, f] of [['W', 1.5 * hz], ['T', hz]] as const) {
        generateTestClip(path.join(data, `${speaker}a0${k + 1}${emotion}a.wav`), { seconds: 0.8, audioLavfi: `sine=frequency=${(f * (1 + 0.03 * k)).toFixed(1)}:sample_rate=16000:duration=0.8` });
      }
    }
  }
  await extractDataset({ pipeline: 'speech-kernel', dataset: `emodb:${data}`, split: 'speaker:10', out: path.join(dir, 'features') });
  await trainRun({ features: path.join(dir, 'features'), out: run });
  pageDir = (await bundleLivePage(path.join(dir, 'page'), { minify: false })).dir;
  server = await startLiveServer({ port: 0, pageDir, run });
  clip = await makeLiveClip(path.join(dir, 'clip'), null);
  browser = await launchWithFakeDevices(clip, [], { loopAudio: true });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('mer live --run (a trained utterance-level run in the page)', () => {
  it('scores the utterance it hears as the run scores the same features in Node, loading nothing from elsewhere', async () => {
    const { page, elsewhere, run: opened } = await openLivePage(browser, server.url);
    expect(opened).toBe('speech-kernel');
    // The clip speaks from 0.5 to 7.5 s of each 8 s pass (the fake microphone loops it, so a page that
    // starts late under load still hears a whole pass); an utterance is scored once 0.4 s of silence
    // has followed. Wait for two utterances, all scored: the second is a whole pass.
    const utterances = await pollRunList<LiveUtterance>(page, 'utterances', (us) => us.length >= 2 && us.every((u) => u.label));
    expect(utterances.length).toBeGreaterThanOrEqual(2);
    // A whole pass's 7 s of speech is one utterance (Silero's dips within it are bridged), cut at the silence between passes.
    const longest = Math.max(...utterances.map((u) => u.end - u.start));
    expect(longest).toBeGreaterThan(6.5);
    expect(longest).toBeLessThan(8);
    const classes = readManifest(run).classes!;
    const node = UtteranceRun.load(readManifest(run), folderFiles(path.join(run, 'best')));
    try {
      const scores = await node.score(utterances.map((u) => ({ audio: Float32Array.from(u.features.audio) })));
      utterances.forEach((u, i) => {
        expect(u.features.audio).toHaveLength(336);
        expect(Object.keys(u.probabilities)).toEqual([...classes]);
        classes.forEach((c, k) => expect(Math.abs(u.probabilities[c] - scores[i].probabilities[k])).toBeLessThan(1e-4));
        expect(u.label).toBe(scores[i].label);
      });
    } finally {
      node.dispose();
    }
    const panel = await page.$eval('#run-title', (el) => el.textContent);
    expect(panel).toBe(`speech-kernel run: ${utterances[utterances.length - 1].label}`);
    expect(elsewhere).toEqual([]);
    await page.close();
  }, 240_000);

  it('refuses, before serving, a run the page cannot score, naming why', async () => {
    const other = path.join(dir, 'frame-run');
    fs.mkdirSync(path.join(other, 'best'), { recursive: true });
    const m = readManifest(run);
    fs.writeFileSync(path.join(other, 'pipeline.json'), JSON.stringify({ ...m, pipeline: 'avt-ca', streams: [{ ...m.streams[0], extractor: 'mfcc-mean-std' }] }));
    await expect(startLiveServer({ port: 0, pageDir, run: other })).rejects.toThrow(/frame-run: mer live --run takes utterance-level runs .*stream 'audio' \(mfcc-mean-std\)/);
  });
});
