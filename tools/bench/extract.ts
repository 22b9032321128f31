/**
 * `npm run bench:extract`: `mer extract` throughput as users run it (the built `mer` command, whole
 * processes under GNU time), against a numpy/scipy peer on the same files, interleaved round by round
 * (this VM's speed drifts), medians reported.
 *
 * - Default: the WAVs of `../shared/data/emodb` (421 clips; `-- --data <folder>`), AVT-CA's extraction
 *   (`--faces none`: MFCCs of the centred clip, the visual stream masked) with `--jobs 1`, `2` and the
 *   default (the number of cores), and the peer `tools/bench/extract_peer.py` (per-utterance MFCC
 *   statistics, one process, Debian's /usr/bin/python3). Also the machine's ceiling for two processes:
 *   `--shard 0/2` and `1/2` run at once, sharing nothing.
 * - `-- --video`: 40 generated RAVDESS-named videos (3 s, 30 fps, 640×360; `-- --clips N`), AVT-CA
 *   with faces detected on 15 frames per clip, `--jobs 1` and `2`: clips per second. `-- --video-file
 *   <clip.mp4>` uses N links to one real clip instead (e.g. `../shared/data/clips/ravdess-…-01.mp4`).
 * - `-- --format mp3|flac|m4a|ogg`: the EmoDB WAVs converted (into a temp folder) to that container, read
 *   through `--dataset-module tools/bench/emodb-any-audio-dataset.cjs`; mer with one process per file
 *   against `MER_MEDIA_PROBE=ffprobe` (the route before: ffprobe, then ffmpeg), `--jobs 1` and `2`.
 *
 * Per run: wall seconds, ms per clip, CPU % ((user + system) / wall), peak RSS of the largest process.
 * Then medians per setting, the speed-up over `--jobs 1` and mer's time over the peer's, to one digit.
 * Build first (`npx nx run-many -t build`): the built CLI is what is measured. Benchmarks, not tests.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateTestClip, locateFfmpeg } from '@mer/media';

const root = path.join(__dirname, '../..');
const arg = (name: string) => process.argv.find((_, i) => process.argv[i - 1] === name);
const realClip = arg('--video-file');
const video = process.argv.includes('--video') || realClip !== undefined;
const format = arg('--format');
const rounds = Number(arg('--rounds') ?? 3);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-bench-extract-'));
// The built CLI itself (bin/mer.js would run the sources through tsx when any source is newer than the build).
const mer = path.join(root, 'apps/cli/dist/main.js');

interface Setting {
  name: string;
  command: string[];
  env?: Record<string, string>;
}

function videoData(): { dataset: string; clips: number } {
  const data = path.join(dir, 'RAVDESS');
  const clips = Number(arg('--clips') ?? 40);
  for (let i = 0; i < clips; i++) {
    // Unique RAVDESS names: actor i mod 24, then emotion, intensity, statement, repetition from i / 24.
    const actor = String((i % 24) + 1).padStart(2, '0');
    const k = Math.floor(i / 24);
    const name = `01-01-0${(k % 8) + 1}-0${(Math.floor(k / 8) % 2) + 1}-0${(Math.floor(k / 16) % 2) + 1}-0${(Math.floor(k / 32) % 2) + 1}-${actor}`;
    const file = path.join(data, `Actor_${actor}`, `${name}.mp4`);
    if (realClip) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.symlinkSync(path.resolve(realClip), file);
    } else generateTestClip(file, { seconds: 3, fps: 30, width: 640, height: 360, toneHz: 200 + 10 * i });
  }
  return { dataset: `ravdess:${data}`, clips };
}

function settings(): { settings: Setting[]; clips: number; what: string } {
  const merRun = (dataset: string, extra: string[], jobs?: number): string[] => [process.execPath, mer, 'extract', '--pipeline', 'avt-ca', '--preset', 'lite', '--dataset', dataset, ...extra, ...(jobs ? ['--jobs', String(jobs)] : []), '--json', '--out'];
  if (video) {
    const v = videoData();
    const what = realClip ? `${v.clips} links to ${realClip}` : `${v.clips} generated videos`;
    const before = { MER_MEDIA_PROBE: 'ffprobe' }; // the route before: ffmpeg per audio rate
    const jobs = (j: number) => [
      { name: `before: MER_MEDIA_PROBE=ffprobe, --jobs ${j}`, command: merRun(v.dataset, [], j), env: before },
      { name: `mer --jobs ${j}`, command: merRun(v.dataset, [], j) },
    ];
    return { clips: v.clips, what: `${what}, AVT-CA, faces detected`, settings: [...jobs(1), ...jobs(2)] };
  }
  if (format) return convertedSettings(format, merRun);
  const data = path.resolve(arg('--data') ?? path.join(root, '../shared/data/emodb'));
  if (!fs.existsSync(data)) throw new Error(`${data}: no such folder (give -- --data <folder of EmoDB WAVs>)`);
  const clips = fs.readdirSync(data).filter((f) => f.endsWith('.wav')).length;
  const extra = ['--faces', 'none'];
  return {
    clips,
    what: `${clips} WAVs of ${data}, AVT-CA (--faces none)`,
    settings: [
      { name: 'numpy peer', command: ['/usr/bin/python3', path.join(__dirname, 'extract_peer.py'), data] },
      { name: 'mer --jobs 1', command: merRun(`emodb:${data}`, extra, 1) },
      { name: 'mer --jobs 2', command: merRun(`emodb:${data}`, extra, 2) },
      { name: `mer (default --jobs ${os.availableParallelism()})`, command: merRun(`emodb:${data}`, extra) },
      { name: TWO_SHARDS, command: twoShards(merRun(`emodb:${data}`, extra, 1)) },
    ],
  };
}

/** The EmoDB WAVs as `format` files in the temp folder; mer now against the route before (ffprobe, then ffmpeg). */
function convertedSettings(format: string, merRun: (dataset: string, extra: string[], jobs?: number) => string[]): { settings: Setting[]; clips: number; what: string } {
  const wavs = path.resolve(arg('--data') ?? path.join(root, '../shared/data/emodb'));
  const data = path.join(dir, format);
  fs.mkdirSync(data);
  const names = fs.readdirSync(wavs).filter((f) => f.endsWith('.wav'));
  for (const n of names) {
    const r = spawnSync(locateFfmpeg().ffmpeg, ['-v', 'error', '-y', '-i', path.join(wavs, n), path.join(data, n.replace(/\.wav$/, `.${format}`))]);
    if (r.status !== 0) throw new Error(`${n} → ${format}: ${r.stderr}`);
  }
  const module = ['--dataset-module', path.join(__dirname, 'emodb-any-audio-dataset.cjs')];
  const run = (jobs: number) => {
    const [node, mer, ...rest] = merRun(`emodb-any:${data}`, ['--faces', 'none'], jobs);
    return [node, mer, ...module, ...rest];
  };
  const before = { MER_MEDIA_PROBE: 'ffprobe' };
  return {
    clips: names.length,
    what: `${names.length} EmoDB WAVs as .${format}, AVT-CA (--faces none)`,
    settings: [
      { name: 'before: ffprobe + ffmpeg, --jobs 1', command: run(1), env: before },
      { name: 'mer --jobs 1', command: run(1) },
      { name: 'before: ffprobe + ffmpeg, --jobs 2', command: run(2), env: before },
      { name: 'mer --jobs 2', command: run(2) },
    ],
  };
}

/**
 * The machine's own ceiling for two processes: `--shard 0/2` and `--shard 1/2` started together, each
 * a whole `mer extract` into its own folder, sharing nothing (no queue, no parent). `--jobs 2` can
 * at best match it; what it reaches over `--jobs 1` is what two cores give this work here.
 */
const TWO_SHARDS = 'ceiling: --shard 0/2 + 1/2 at once';

function twoShards(command: string[]): string[] {
  const quoted = command.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return ['/bin/sh', '-c', `${quoted.replace("'--jobs' '1'", "'--shard' '0/2'")} "$0/0" & a=$!; ${quoted.replace("'--jobs' '1'", "'--shard' '1/2'")} "$0/1" & b=$!; wait $a && wait $b`];
}

interface Row {
  setting: string;
  round: number;
  wall_s: number;
  ms_per_clip: number;
  cpu_pct: number;
  /** CPU time (user + system, children included) per clip: steadier than wall time on a shared machine. */
  cpu_ms_per_clip: number;
  peak_rss_mb: number;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

function main(): void {
  if (!fs.existsSync(path.join(root, 'apps/cli/dist/main.js'))) throw new Error('build first: npx nx run-many -t build (the built mer is what is measured)');
  const { settings: list, clips, what } = settings();
  console.log(JSON.stringify({ bench: 'extract', what, rounds, cores: os.availableParallelism() }));
  const rows: Row[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const s of list) {
      const out = path.join(dir, `out-${rows.length}`);
      const cmd = [...s.command, s.name === 'numpy peer' ? `${out}.npy` : out];
      const env = { ...process.env, ...s.env };
      const r = spawnSync('/usr/bin/time', ['-f', '@@time %e %U %S %M', ...cmd], { encoding: 'utf8', cwd: root, maxBuffer: 64 * 1024 * 1024, env });
      const timing = r.stderr.split('\n').find((l) => l.startsWith('@@time '));
      if (r.status !== 0 || !timing) throw new Error(`${s.name}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      const [wall, user, sys, rssKb] = timing.slice(7).split(' ').map(Number);
      const row: Row = { setting: s.name, round, wall_s: wall, ms_per_clip: +((wall * 1000) / clips).toFixed(1), cpu_pct: Math.round(((user + sys) / wall) * 100), cpu_ms_per_clip: +(((user + sys) * 1000) / clips).toFixed(1), peak_rss_mb: Math.round(rssKb / 1024) };
      rows.push(row);
      console.log(JSON.stringify(row));
      fs.rmSync(out, { recursive: true, force: true });
      fs.rmSync(`${out}.npy`, { force: true });
    }
  }
  const by = (name: string, key: keyof Row) => median(rows.filter((r) => r.setting === name).map((r) => r[key] as number));
  const jobs1 = list.find((s) => s.name === 'mer --jobs 1')!.name;
  const peer = list.find((s) => s.name === 'numpy peer');
  console.log(`\n${what}; medians of ${rounds} rounds, interleaved\n`);
  console.log('| setting | wall s | ms / clip | clips / s | CPU % | CPU ms / clip | peak RSS MB | vs --jobs 1 |' + (peer ? ' vs peer |' : ''));
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |' + (peer ? ' --- |' : ''));
  for (const s of list) {
    const wall = by(s.name, 'wall_s');
    const speedup = s.name === peer?.name ? '' : `${(by(jobs1, 'wall_s') / wall).toFixed(1)}×`;
    const vsPeer = peer ? ` ${(wall / by(peer.name, 'wall_s')).toFixed(1)}× the time |` : '';
    console.log(`| ${s.name} | ${wall.toFixed(1)} | ${by(s.name, 'ms_per_clip')} | ${(clips / wall).toFixed(clips / wall < 10 ? 2 : 0)} | ${by(s.name, 'cpu_pct')} | ${by(s.name, 'cpu_ms_per_clip')} | ${by(s.name, 'peak_rss_mb')} | ${speedup} |${vsPeer}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

main();
