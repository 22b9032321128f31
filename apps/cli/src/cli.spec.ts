import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateTestClip } from '@mer/media';

const root = path.resolve(__dirname, '../../..');
const mer = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(__dirname, 'main.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });

describe('mer (the CLI, from source)', () => {
  it.each(['analyze', 'demo', 'extract', 'train', 'cv', 'eval', 'predict', 'info'])('`mer %s --help` shows an example', (command) => {
    const r = mer(command, '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Examples?:\n\s+\$ (MER_BACKEND=\w+ )?mer /);
  });

  it('`mer info` says where the ONNX models run: following the backend, or as MER_ONNX_EP says', () => {
    const info = (env: Record<string, string>, ...args: string[]) =>
      spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(__dirname, 'main.ts'), 'info', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, MER_ONNX_EP: '', ...env } });
    let r = info({ MER_BACKEND: 'cpu' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('onnx models: CPU EP: the cpu backend (MER_ONNX_EP=cpu|webgpu overrides)');
    r = info({ MER_BACKEND: 'cpu', MER_ONNX_EP: 'webgpu' }, '--json');
    expect(JSON.parse(r.stdout).onnx).toEqual({ device: 'webgpu', executionProviders: [{ name: 'webgpu', preferredLayout: 'NCHW' }, 'cpu'], requestedBy: 'MER_ONNX_EP', reason: 'MER_ONNX_EP=webgpu' });
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
    expect(r.stderr).toContain("--pipeline must be one of maven, tcn-fusion, avt-ca, speech-kernel, got 'nope'");
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

  it('--clip-seconds / --clip-frames set the clip of a clip-timed network, and the trained run keeps them', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-clip-'));
    const data = path.join(dir, 'emodb');
    for (const n of ['03a01Wa', '03a02Wb', '03a01Ta', '03a02Tb', '08a01Wa', '08a01Ta']) generateTestClip(path.join(data, `${n}.wav`), { seconds: 1, toneHz: n[5] === 'W' ? 880 : 220 });
    const features = path.join(dir, 'features');
    let r = mer('extract', '--pipeline', 'avt-ca', '--preset', 'lite', '--dataset', `emodb:${data}`, '--split', 'speaker:08', '--out', features, '--faces', 'none', '--clip-seconds', '1', '--clip-frames', '5', '--jobs', '1');
    expect(r.stderr).not.toContain('mer:');
    const audio = JSON.parse(fs.readFileSync(path.join(features, 'audio', 'manifest.json'), 'utf8')) as { config: { seconds: number; frames: number } };
    expect([audio.config.seconds, audio.config.frames]).toEqual([1, 5]);
    r = mer('train', '--features', features, '--out', path.join(dir, 'run'), '--preset', 'lite', '--epochs', '2');
    expect(r.status).toBe(0);
    // Speaker 08 is the test split; one training speaker is left, so 15 % of each class selects.
    expect(r.stderr).toContain('preset lite, 2 epochs; selection: inner validation, stratified by class (2 items), metric macro-F1');
    expect(r.stdout).toMatch(/^2 epochs; selection: inner validation, stratified by class \(2 items\), metric macro-F1, best epoch [12] of 2; run folder /);
    r = mer('eval', '--run', path.join(dir, 'run'), '--split', 'test');
    expect(r.stdout).toMatch(/^test: 2 items, held-out; selection: inner validation/);
    r = mer('train', '--features', features, '--out', path.join(dir, 'run-test'), '--preset', 'lite', '--epochs', '1', '--select', 'test');
    expect(r.stderr).toContain('note: WARNING: the test split selects the kept epoch (--select test)');
    r = mer('eval', '--run', path.join(dir, 'run-test'), '--split', 'test');
    expect(r.stdout).toMatch(/^test: 2 items, OPTIMISTIC/);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'run', 'pipeline.json'), 'utf8')) as { extractor: { clipSeconds: number; clipFrames: number } };
    expect([manifest.extractor.clipSeconds, manifest.extractor.clipFrames]).toEqual([1, 5]);
    r = mer('extract', '--pipeline', 'avt-ca', '--dataset', `emodb:${data}`, '--out', path.join(dir, 'x'), '--clip-seconds', '-2');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("option '--clip-seconds <s>' argument '-2' is invalid. expected a number > 0.");
    fs.rmSync(dir, { recursive: true, force: true });
  }, 300_000);
});
