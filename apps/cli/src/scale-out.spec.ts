import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FeatureStore } from '@mer/datasets';
import { generateTestClip } from '@mer/media';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '../../..');
const main = path.join(__dirname, 'main.ts');
const tsx = path.join(root, 'node_modules/tsx/dist/cli.mjs');
const mer = (args: string[], env: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [tsx, main, ...args], { cwd: root, encoding: 'utf8', timeout: 300_000, env: { ...process.env, ...env } });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-scale-out-'));
const data = path.join(dir, 'RAVDESS');
// `npx mer …` in the examples runs this checkout's CLI.
const bin = path.join(dir, 'bin');
fs.mkdirSync(bin);
fs.writeFileSync(path.join(bin, 'npx'), `#!/bin/sh\n[ "$1" = mer ] && shift\nexec "${process.execPath}" "${tsx}" "${main}" "$@"\n`, { mode: 0o755 });
const shell = (script: string, env: NodeJS.ProcessEnv) => spawnSync('sh', ['-c', script], { cwd: root, encoding: 'utf8', timeout: 300_000, env: { ...process.env, PATH: `${bin}:${process.env['PATH']}`, ...env } });

/** Every stream's item rows (read through the store, whatever its layout) and the item list of a features folder, for comparison. */
function contents(features: string): { items: string[]; files: Record<string, Buffer> } {
  const index = JSON.parse(fs.readFileSync(path.join(features, 'items.json'), 'utf8')) as { items: { id: string }[] };
  const files: Record<string, Buffer> = {};
  for (const stream of fs.readdirSync(features).filter((d) => fs.existsSync(path.join(features, d, 'manifest.json')))) {
    const store = FeatureStore.read(features, stream);
    for (const id of store.items()) {
      const { data } = store.read(id);
      files[`${stream}/${id}.f32`] = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    }
    const m = JSON.parse(fs.readFileSync(path.join(features, stream, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    delete m['createdAt'];
    files[`${stream}/manifest`] = Buffer.from(JSON.stringify(m));
  }
  return { items: index.items.map((i) => i.id), files };
}

function expectSame(a: string, b: string) {
  const x = contents(a);
  const y = contents(b);
  expect(y.items).toEqual(x.items);
  expect(Object.keys(y.files).sort()).toEqual(Object.keys(x.files).sort());
  for (const [k, v] of Object.entries(x.files)) {
    if (!k.endsWith('.f32')) {
      if (k.endsWith('manifest')) expect(y.files[k].toString()).toBe(v.toString());
      continue;
    }
    const p = new Float32Array(v.buffer, v.byteOffset, v.byteLength / 4);
    const q = new Float32Array(y.files[k].buffer, y.files[k].byteOffset, y.files[k].byteLength / 4);
    expect(q.length).toBe(p.length);
    let d = 0;
    p.forEach((pv, i) => (d = Math.max(d, Math.abs(pv - q[i]))));
    expect(d).toBeLessThanOrEqual(1e-6);
  }
}

beforeAll(() => {
  const names = ['01-01-03-01-01-01-01', '01-01-04-01-01-01-02', '01-01-05-02-01-01-03', '01-01-03-01-02-01-04', '01-01-06-01-01-01-05', '01-01-04-02-02-01-06', '01-01-07-01-01-01-07'];
  names.forEach((n, i) => generateTestClip(path.join(data, `Actor_${n.slice(-2)}`, `${n}.mp4`), { seconds: 1, fps: 10, toneHz: 200 + 60 * i }));
  const r = mer(['extract', '--pipeline', 'avt-ca', '--preset', 'lite', '--dataset', `ravdess:${data}`, '--out', path.join(dir, 'single'), '--jobs', '1']);
  if (r.status !== 0) throw new Error(r.stderr);
});

describe('extraction on every core and across machines', () => {
  it('--jobs 2 writes the same folder as --jobs 1; a rerun skips finished items', () => {
    const out = path.join(dir, 'jobs2');
    let r = mer(['extract', '--pipeline', 'avt-ca', '--preset', 'lite', '--dataset', `ravdess:${data}`, '--out', out, '--jobs', '2']);
    expect(r.stderr).not.toContain('mer:');
    expect(r.stdout).toContain('7 extracted by 2 processes');
    expectSame(path.join(dir, 'single'), out);
    r = mer(['extract', '--pipeline', 'avt-ca', '--preset', 'lite', '--dataset', `ravdess:${data}`, '--out', out, '--jobs', '2']);
    expect(r.stdout).toContain('0 extracted by 2 processes, 7 already done');
  });

  it('the Kubernetes Indexed Job example: three shards (JOB_COMPLETION_INDEX) merged equal one process', () => {
    const job = parse(fs.readFileSync(path.join(root, 'docs/kubernetes/extract-indexed-job.yaml'), 'utf8')) as {
      spec: { completionMode: string; completions: number; template: { spec: { containers: { command: string[]; args: string[] }[] } } };
    };
    expect(job.spec.completionMode).toBe('Indexed');
    const container = job.spec.template.spec.containers[0];
    expect(container.command).toEqual(['sh', '-c']);
    // The example extracts the paper preset's face crops; here the lite preset's embeddings, as the single process.
    const script = container.args[0].replace('/data/RAVDESS', data).replace(/\/data\/features/g, path.join(dir, 'k8s')).replace('--preset paper', '--preset lite');
    expect(script).toContain(`--shards ${job.spec.completions}`);
    for (let k = 0; k < job.spec.completions; k++) {
      const r = shell(script, { JOB_COMPLETION_INDEX: String(k) });
      expect(r.stderr).not.toContain('mer:');
      expect(r.stdout).toContain(`(shard ${k}/3)`);
    }
    const shards = [0, 1, 2].map((k) => path.join(dir, 'k8s', `shard-${k}`));
    let r = mer(['features', 'merge', shards[0], shards[2], '--out', path.join(dir, 'k8s-partial')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('shard(s) 1/3 missing');
    r = mer(['features', 'merge', ...shards, '--out', path.join(dir, 'k8s', 'all')]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('7 items in 2 streams');
    expectSame(path.join(dir, 'single'), path.join(dir, 'k8s', 'all'));
  });

  it('the Slurm array example: three array tasks merged equal one process; train takes the shards directly', () => {
    const script = path.join(root, 'docs/slurm/extract-array.sh');
    expect(fs.readFileSync(script, 'utf8')).toMatch(/#SBATCH --array=0-2/);
    for (let k = 0; k < 3; k++) {
      const r = shell(`bash ${script}`, { SLURM_ARRAY_TASK_ID: String(k), SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_COUNT: '3', DATASET: `ravdess:${data}`, FEATURES: path.join(dir, 'slurm'), PRESET: 'lite' });
      expect(r.stderr).not.toContain('mer:');
    }
    const shards = [0, 1, 2].map((k) => path.join(dir, 'slurm', `shard-${k}`));
    expect(mer(['features', 'merge', ...shards, '--out', path.join(dir, 'slurm', 'all')]).status).toBe(0);
    expectSame(path.join(dir, 'single'), path.join(dir, 'slurm', 'all'));
    // A shard of another setup is refused, naming the difference.
    const other = path.join(dir, 'other');
    mer(['extract', '--pipeline', 'avt-ca', '--preset', 'lite', '--dataset', `ravdess:${data}`, '--out', other, '--faces', 'none', '--shard', '1/3']);
    const r = mer(['features', 'merge', shards[0], other, shards[2], '--out', path.join(dir, 'mixed')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('extracted with another setup');
    const t = mer(['train', '--features', ...shards, '--out', path.join(dir, 'run'), '--preset', 'lite', '--epochs', '1', '--fold', '1']);
    expect(t.stderr).not.toContain('mer:');
    expect(t.status).toBe(0);
    expect(fs.existsSync(path.join(dir, 'run', 'features', 'items.json'))).toBe(true);
  });
});
