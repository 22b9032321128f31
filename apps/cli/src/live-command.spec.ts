import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');

describe('mer live', () => {
  it('prints its loopback URL, serves the page and the models there, nothing else, and stops on Ctrl-C', async () => {
    const child = spawn(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(__dirname, 'main.ts'), 'live', '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          out += d;
          const m = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) resolve(m[1]);
        });
        void exited.then((code) => reject(new Error(`mer live exited ${code} before printing its URL:\n${out}\n${err}`)));
      });
      expect(out).toContain('camera and microphone stay in your browser');
      const index = await fetch(url);
      expect(index.status).toBe(200);
      expect(await index.text()).toContain('<script type="module" src="live.js">');
      expect((await fetch(new URL('live.js', url))).status).toBe(200);
      expect((await fetch(new URL('models/emotion.json', url))).status).toBe(200);
      expect((await fetch(new URL('package.json', url))).status).toBe(404);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  }, 120_000);

  it('--run: a folder that is not a run, or a run the page cannot score, stops before serving with the reason', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-live-run-cli-'));
    try {
      const mer = (...args: string[]) => spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(__dirname, 'main.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
      let r = mer('live', '--port', '0', '--run', dir);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`${dir}: not a mer run folder (no pipeline.json)`);
      expect(r.stdout).not.toContain('open http');
      // A per-frame valence/arousal run (MAVEN's manifest, as mer train writes it) on a hub image model's rows (Swin), which the page does not compute.
      fs.writeFileSync(path.join(dir, 'pipeline.json'), JSON.stringify({ pipeline: 'maven', preset: 'lite', extractor: {}, training: {}, streams: [{ name: 'visual', modality: 'visual', extractor: 'blazeface+hub:microsoft/swin-base-patch4-window7-224', dim: 1024, config: {} }] }));
      r = mer('live', '--port', '0', '--run', dir);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/mer live --run takes utterance-level runs .*per-frame valence\/arousal runs .*this run has its stream 'visual' \(blazeface\+hub:microsoft\/swin-base-patch4-window7-224\): the page computes frame streams of /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
