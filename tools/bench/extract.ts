/**
 * `npm run bench:extract`: extraction throughput on one machine, `mer extract --jobs 1` against
 * `--jobs 2` (and more with `-- --jobs 1,2,4`), on 40 (`-- --clips N`) generated RAVDESS-named clips (3 s, 30 fps,
 * 640×360, AVT-CA: face detection on 15 frames per clip + MFCCs), each run into a fresh folder.
 * One JSON line per run: items/s, wall seconds, peak RSS of the whole process tree's largest process
 * (GNU time). Benchmarks, not tests.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateTestClip } from '@mer/media';

const root = path.join(__dirname, '../..');
const jobsList = (process.argv.find((a, i) => process.argv[i - 1] === '--jobs') ?? '1,2').split(',').map(Number);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-bench-extract-'));
const data = path.join(dir, 'RAVDESS');
const clips = Number(process.argv.find((a, i) => process.argv[i - 1] === '--clips') ?? 40);
for (let i = 0; i < clips; i++) {
  // Unique RAVDESS names: actor i mod 24, then emotion, intensity, statement, repetition from i / 24.
  const actor = String((i % 24) + 1).padStart(2, '0');
  const k = Math.floor(i / 24);
  const name = `01-01-0${(k % 8) + 1}-0${(Math.floor(k / 8) % 2) + 1}-0${(Math.floor(k / 16) % 2) + 1}-0${(Math.floor(k / 32) % 2) + 1}-${actor}`;
  generateTestClip(path.join(data, `Actor_${actor}`, `${name}.mp4`), { seconds: 3, fps: 30, width: 640, height: 360, toneHz: 200 + 10 * i });
}
const cli = [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'apps/cli/src/main.ts')];
const rows: Record<string, unknown>[] = [];
// Alternate the settings twice (this VM's speed drifts); report each run.
for (const rep of [1, 2]) {
  for (const jobs of jobsList) {
    const out = path.join(dir, `out-${jobs}-${rep}`);
    const t0 = Date.now();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...cli, 'extract', '--pipeline', 'avt-ca', '--dataset', `ravdess:${data}`, '--out', out, '--jobs', String(jobs), '--json'], { encoding: 'utf8', cwd: root });
    const seconds = (Date.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(r.stderr);
    const report = JSON.parse(r.stdout.trim().split('\n').pop()!) as { extracted: string[] };
    const rssKb = Number(r.stderr.trim().split('\n').pop());
    const row = { bench: 'extract', clips, jobs, rep, items: report.extracted.length, wall_s: +seconds.toFixed(1), items_per_s: +(report.extracted.length / seconds).toFixed(2), peak_rss_mb_largest_process: +(rssKb / 1024).toFixed(0) };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
}
const median = (jobs: number) => {
  const v = rows.filter((r) => r['jobs'] === jobs).map((r) => r['items_per_s'] as number).sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
};
console.log(JSON.stringify({ bench: 'extract', speedup_vs_1: Object.fromEntries(jobsList.map((j) => [j, +(median(j) / median(1)).toFixed(2)])), cores: os.availableParallelism() }));
fs.rmSync(dir, { recursive: true, force: true });
