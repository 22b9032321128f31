import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { csvRows, summaryRows, writeFaceClip } from './fixtures/face-clips';

const root = path.resolve(__dirname, '../../..');
const tsx = path.join(root, 'node_modules/tsx/dist/cli.mjs');
const main = path.join(__dirname, 'main.ts');
/** `mer …` through bash, so globs behave as in a user's shell (quoted: mer expands; unquoted: bash does). */
const mer = (cwd: string, args: string) =>
  spawnSync('bash', ['-c', `"${process.execPath}" "${tsx}" "${main}" ${args}`], { cwd, encoding: 'utf8', timeout: 240_000, env: { ...process.env, TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.json') } });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-batch-'));
const clips = path.join(dir, 'clips');

beforeAll(() => {
  writeFaceClip(path.join(clips, 'a.mp4'), { toneHz: 200 });
  fs.writeFileSync(path.join(clips, 'b broken.mp4'), 'not a video at all'); // in the middle, alphabetically
  writeFaceClip(path.join(clips, 'c with spaces.mp4'), { toneHz: 300, x0: 300 });
  writeFaceClip(path.join(clips, 'd.mp4'), { toneHz: 400 });
  fs.writeFileSync(path.join(clips, 'notes.txt'), 'not media: a folder input ignores it');
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('mer analyze on a folder or a glob (the batch)', () => {
  it('a folder of N files gives N CSVs and a summary of N rows; a corrupt file in the middle is listed as failed with its reason, the rest are analysed, exit status 1', () => {
    const r = mer(dir, 'analyze --out out clips');
    expect(r.status).toBe(1);
    const rows = summaryRows(path.join(dir, 'out', 'summary.csv'));
    expect(rows.map((x) => [path.basename(x['file']), x['status']])).toEqual([
      ['a.mp4', 'ok'],
      ['b broken.mp4', 'failed'],
      ['c with spaces.mp4', 'ok'],
      ['d.mp4', 'ok'],
    ]);
    expect(rows[1]['notes']).toContain('b broken.mp4');
    for (const stem of ['a', 'c with spaces', 'd']) {
      const csv = csvRows(path.join(dir, 'out', `${stem}.csv`));
      expect(csv).toHaveLength(11); // header + 10 frames
      expect(csv.slice(1).filter((c) => c[8] === '1').length).toBeGreaterThanOrEqual(9); // a face found
      expect(fs.existsSync(path.join(dir, 'out', `${stem}.report.html`))).toBe(true);
    }
    expect(fs.existsSync(path.join(dir, 'out', 'b broken.csv'))).toBe(false);
    expect(r.stdout).toContain('3 analysed, 1 failed');
    expect(r.stderr).toContain('b broken.mp4');
    // Not a terminal: plain progress lines over the 4 expanded files, never a redraw.
    expect(r.stderr).not.toContain('\r');
    expect(r.stderr).toMatch(/^analyze 4\/4 \(100 %\)/m);
    expect(r.stderr).toMatch(/^analyze 1\/4 \(25 %\)/m);
  }, 240_000);

  it('a rerun into the same --out skips the finished files (summary: skipped) and retries the failed one; --overwrite analyses all again', () => {
    const csv = path.join(dir, 'out', 'a.csv');
    const before = fs.statSync(csv).mtimeMs;
    let r = mer(dir, 'analyze --out out clips');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('0 analysed, 3 already done (skipped; --overwrite analyses them again), 1 failed');
    expect(summaryRows(path.join(dir, 'out', 'summary.csv')).map((x) => x['status'])).toEqual(['skipped', 'failed', 'skipped', 'skipped']);
    expect(fs.statSync(csv).mtimeMs).toBe(before);
    r = mer(dir, 'analyze --out out --overwrite clips/a.mp4');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('1 analysed, 0 failed');
    expect(fs.statSync(csv).mtimeMs).toBeGreaterThan(before);
  }, 240_000);

  it('globs quoted (mer expands) and unquoted (the shell expands) analyse the same files', () => {
    const quoted = mer(dir, 'analyze --out q --quiet "clips/*.mp4"');
    const unquoted = mer(dir, 'analyze --out u --quiet clips/*.mp4');
    for (const [r, out] of [[quoted, 'q'], [unquoted, 'u']] as const) {
      expect(r.status).toBe(1); // the broken one
      expect(r.stdout.trim()).toBe(`3 analysed, 1 failed; summary: ${path.join(out, 'summary.csv')}`);
      expect(fs.readdirSync(path.join(dir, out)).filter((f) => f.endsWith('.csv')).sort()).toEqual(['a.csv', 'c with spaces.csv', 'd.csv', 'summary.csv']);
    }
    expect(fs.readFileSync(path.join(dir, 'q', 'd.csv'), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'u', 'd.csv'), 'utf8'));
  }, 240_000);
});
