import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const mer = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(__dirname, 'main.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });

describe('mer (the CLI, from source)', () => {
  it.each(['analyze', 'demo', 'extract', 'train', 'cv', 'eval', 'predict', 'info'])('`mer %s --help` shows an example', (command) => {
    const r = mer(command, '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Examples?:\n\s+\$ (MER_BACKEND=\w+ )?mer /);
  });

  it('bad input fails with a clear message and exit code 1', () => {
    const missingRun = path.join(os.tmpdir(), 'mer-no-such-run');
    let r = mer('eval', '--run', missingRun);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`mer: ${missingRun}`);
    r = mer('extract', '--pipeline', 'avt-ca', '--dataset', 'voxceleb:/x', '--out', os.tmpdir());
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("--dataset 'voxceleb:/x': expected <kind>:<root>");
    r = mer('extract', '--pipeline', 'nope', '--dataset', 'emodb:/x', '--out', os.tmpdir());
    expect(r.stderr).toContain("--pipeline must be one of maven, tcn-fusion, avt-ca, got 'nope'");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-cli-'));
    // Without --run, predict says so and runs analyze (the shipped expression model).
    const clip = path.join(dir, 'clip.mp4');
    spawnSync(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(clip)}, '')`]);
    r = mer('predict', '--out', path.join(dir, 'analysis'), clip);
    expect(r.stderr).toContain('no --run given (no trained network): running mer analyze');
    expect(r.stderr).toContain(`mer: ${clip}: file is empty`);
    expect(fs.existsSync(path.join(dir, 'analysis', 'summary.csv'))).toBe(true);
    r = mer('predict', '--run', dir, path.join(dir, 'clip.mp4'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('not a mer run folder (no pipeline.json)');
  });
});
