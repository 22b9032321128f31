// The README's shell commands, run as written. Every `mer` command in a shell block of any README is
// either run here (in a folder of generated face clips, `npx mer` resolving to this workspace's CLI)
// or listed below with the reason it is not and the spec that covers it instead; a new README command
// that is neither fails the first test.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { csvRows, summaryRows, writeFaceClip } from './fixtures/face-clips';

const root = path.resolve(__dirname, '../../..');

/** `mer` / `npx mer` command lines of the shell blocks of every README (comments cut). */
function readmeCommands(): { readme: string; command: string }[] {
  const readmes = ['README.md', 'docs/README.md', ...['packages', 'apps'].flatMap((g) => fs.readdirSync(path.join(root, g)).map((p) => `${g}/${p}/README.md`))].filter((f) => fs.existsSync(path.join(root, f)));
  const out: { readme: string; command: string }[] = [];
  for (const readme of readmes) {
    const blocks = fs.readFileSync(path.join(root, readme), 'utf8').matchAll(/^```(?:bash|sh|shell)\n([\s\S]*?)^```/gm);
    for (const [, body] of blocks) {
      for (const raw of body.split('\n')) {
        const command = raw.replace(/\s+#.*$/, '').trim();
        if (/(^|&&\s*|;\s*)([A-Z_]+=\S+\s+)*(npx\s+)?mer\s/.test(command)) out.push({ readme, command });
      }
    }
  }
  return out;
}

/** Run here, in this order, in one folder (the quick start). */
const RUN_HERE = ['npx mer analyze clip.mp4', 'npx mer analyze "videos/*.mp4" --out analysis', 'npx mer analyze videos --out analysis'];

/** Not run here: why, and what runs the same command instead. */
const NOT_RUN: Record<string, string> = {
  'mer extract --pipeline avt-ca --preset lite --dataset emodb:../shared/data/emodb --split speaker:03,08 --faces none --speed 0.9,1.0,1.1 --out feats-emodb03': 'needs ../shared/data (not in CI); speed-perturbation.spec.ts extracts speed copies of generated tones and checks their pitch, length, features and that no copy reaches validation or eval',
  'mer train --features feats-emodb03 --out run-speed --preset lite --epochs 30 --config speed.json': 'as above (speed-perturbation.spec.ts trains with "speedPerturbation" and checks which items reach fit and evaluate)',
  'mer extract --dataset emodb:../shared/data/emodb --out feats-speech': 'needs ../shared/data (not in CI); speech-kernel.spec.ts runs extract with no --pipeline on generated EmoDB-named tones (the audio-only default) → train → eval → predict',
  'mer cv --features feats-speech --out cv-speech --folds loso': 'needs ../shared/data; cross-validation specs run mer cv, speech-kernel.spec.ts the closed-form fit on these features',
  'npx mer live': 'serves until Ctrl-C; live-command.spec.ts starts it, fetches the page and the models and stops it; apps/live/src/live-page.spec.ts runs the page in headless Chromium',
  'mer extract --pipeline avt-ca --dataset cmu-mosei:/data/mosei --folds cmu_mosei_std_folds.py --out feats-mosei': 'needs the CMU-MOSEI SDK files; apps/cli/src/mosei.spec.ts runs these three commands on a synthetic SDK set',
  'mer train --features feats-mosei --out run-mosei --preset features': 'as above (mosei.spec.ts)',
  'mer eval --run run-mosei --split test': 'as above (mosei.spec.ts)',
  'mer extract --pipeline avt-ca --preset lite --dataset emodb:../shared/data/emodb --split speaker:03,08 --out feats-emodb03 --faces none': 'needs ../shared/data (not in CI); cli.spec.ts runs extract --split speaker → train → eval on generated EmoDB-named clips and checks the selection lines',
  'mer train --features feats-emodb03 --out run-emodb03 --preset lite --epochs 30': 'as above (cli.spec.ts: the selection line and held-out/OPTIMISTIC in eval)',
  'mer eval --run run-emodb03 --split test': 'as above (cli.spec.ts)',
  'mer extract … --labels sentiment2': 'a fragment (… stands for the options above); --labels runs in mosei.spec.ts',
  'mer extract --pipeline avt-ca --dataset emodb:../shared/data/emodb --out feats-functionals --faces none --stream audio=speech-functionals': "needs the workplace's EmoDB copy; kernel-cv.spec.ts extracts speech-functionals the same way from generated EmoDB-named recordings",
  'mer cv --features feats-functionals --out cv-kernel --folds loso --estimator kernel': 'as above (kernel-cv.spec.ts runs mer cv --estimator kernel on them; npm run bench:real-data -- --configs speech-functionals-kernel on the real folder)',
  'npx nx build cli && MER_BACKEND=cpu npx mer info': 'a workspace command (builds); cli.spec.ts runs mer commands from source and backend specs cover MER_BACKEND',
  'mer --dataset-module my-dataset.js datasets': 'the README\'s reader module as a file; custom-dataset.spec.ts runs the same reader (fixtures/wav-csv-dataset.ts) through mer datasets',
  'mer --dataset-module my-dataset.js extract --pipeline avt-ca --preset lite --dataset wav-csv:/data/my-corpus --split speaker:s3 --faces none --out feats-mine': 'needs a corpus folder; custom-dataset.spec.ts runs this extract (and train, eval) on generated WAVs and a labels.csv',
  'mer train --features feats-mine --out run-mine --preset lite': 'as above (custom-dataset.spec.ts)',
  'mer eval --run run-mine --split test': 'as above (custom-dataset.spec.ts)',
  'mer --extractor loudness-extractor.js extractors': 'custom-extractor.spec.ts runs it with the fixture module (apps/cli/src/fixtures/loudness-extractor.js) and checks the listed kind and width',
  'mer --extractor loudness-extractor.js extract --pipeline avt-ca --preset lite --dataset emodb:/data/emodb --stream audio=loudness-zcr-centroid --faces none --out feats-loud': 'needs a corpus folder; custom-extractor.spec.ts runs this extract on generated EmoDB-named WAVs',
  'mer train --features feats-loud --out run-loud --preset lite': 'as above (custom-extractor.spec.ts: train, eval and predict without --extractor)',
  'mer extract --pipeline avt-ca --preset lite --dataset emodb:../shared/data/emodb --split speaker:03,08 --out feats-utt --faces none --stream utterance=speech-functionals': "needs the workplace's EmoDB copy; committee-cli.spec.ts runs this extract on generated EmoDB-named tones",
  'mer train --features feats-utt --out run-utt --epochs 30 --utterance': 'as above (committee-cli.spec.ts, 2 epochs)',
  'mer train --features feats-utt --out run-committee --epochs 30 --members 3': 'as above (committee-cli.spec.ts trains --members 2, checks the committee line, eval and predict)',
  'mer eval --run run-committee --split test': 'as above (committee-cli.spec.ts)',
};

describe("the READMEs' mer commands", () => {
  it('each is run here or listed with its reason; the list holds no stale entries', () => {
    const found = readmeCommands().map((c) => c.command);
    const unaccounted = found.filter((c) => !RUN_HERE.includes(c) && !(c in NOT_RUN));
    expect(unaccounted).toEqual([]);
    expect([...RUN_HERE, ...Object.keys(NOT_RUN)].filter((c) => !found.includes(c))).toEqual([]);
  });

  it('the quick start runs as written on a folder of face clips: every file analysed, a summary row each', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-readme-'));
    // `npx mer` finds the CLI as in a project that installed it.
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'readme-sandbox', private: true }));
    fs.mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
    fs.symlinkSync(path.join(root, 'apps/cli/bin/mer.js'), path.join(dir, 'node_modules', '.bin', 'mer'));
    writeFaceClip(path.join(dir, 'clip.mp4'));
    for (const [name, hz] of [['one.mp4', 200], ['two takes.mp4', 300], ['three.mp4', 400]] as const) writeFaceClip(path.join(dir, 'videos', name), { toneHz: hz });
    const outputs: string[] = [];
    for (const command of RUN_HERE) {
      const r = spawnSync('bash', ['-c', command], { cwd: dir, encoding: 'utf8', timeout: 240_000 });
      if (r.status !== 0) throw new Error(`${command} exited ${r.status}:\n${r.stderr}`);
      outputs.push(r.stdout);
    }
    const face = (file: string) => csvRows(file).slice(1).filter((c) => c[8] === '1').length;
    expect(face(path.join(dir, 'analysis', 'clip.csv'))).toBeGreaterThanOrEqual(9);
    expect(outputs[1]).toContain('3 analysed, 0 failed');
    for (const name of ['one', 'two takes', 'three']) expect(face(path.join(dir, 'analysis', `${name}.csv`))).toBeGreaterThanOrEqual(9);
    // The folder after the glob into the same --out: the three are done, and skipped.
    expect(outputs[2]).toContain('0 analysed, 3 already done');
    const rows = summaryRows(path.join(dir, 'analysis', 'summary.csv'));
    expect(rows.map((r) => [path.basename(r['file']), r['status']]).sort()).toEqual([['one.mp4', 'skipped'], ['three.mp4', 'skipped'], ['two takes.mp4', 'skipped']]);
    expect(rows.every((r) => Number(r['face_frames']) >= 9 && r['dominant_expression'] !== '')).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 300_000);
});
