import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeEmoDbTones } from './fixtures/emodb-tones';

const root = path.resolve(__dirname, '../../..');
const mer = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(__dirname, 'main.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 180_000 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-committee-cli-'));
const json = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;

describe('mer train --utterance and --members (the README commands, on generated EmoDB-named tones)', () => {
  const data = writeEmoDbTones(path.join(dir, 'emodb'));
  const features = path.join(dir, 'feats-utt');

  it('--stream utterance=speech-functionals adds the stream; --utterance fuses it; --members 2 trains, evaluates and predicts a committee', () => {
    let r = mer('extract', '--pipeline', 'avt-ca', '--preset', 'lite', '--dataset', `emodb:${data}`, '--split', 'speaker:08', '--out', features, '--faces', 'none', '--stream', 'utterance=speech-functionals');
    expect(r.stderr).not.toContain('mer:');
    expect(r.status).toBe(0);
    expect((json(path.join(features, 'utterance', 'manifest.json')) as { extractor: string; dim: number }).dim).toBe(336);

    const fused = path.join(dir, 'run-utt');
    r = mer('train', '--features', features, '--out', fused, '--epochs', '2', '--utterance');
    expect(r.status).toBe(0);
    expect(json(path.join(fused, 'pipeline.json'))['utterance']).toEqual({ extractor: 'speech-functionals', hidden: 0, dropout: 0.2 });
    // Without --utterance the same folder trains the network alone.
    const plain = path.join(dir, 'run-plain');
    r = mer('train', '--features', features, '--out', plain, '--epochs', '2');
    expect(r.status).toBe(0);
    expect(json(path.join(plain, 'pipeline.json'))['utterance']).toBeUndefined();

    const committee = path.join(dir, 'run-committee');
    r = mer('train', '--features', features, '--out', committee, '--epochs', '2', '--members', '2');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^committee of 2 \(mean probabilities\), each selected on inner validation by speaker, metric macro-F1: 1 \((03|10|11); 6 items, best epoch \d of 2\), 2 \((03|10|11); 6 items/);
    const record = json(path.join(committee, 'pipeline.json'))['committee'] as { trained: { selection: { speakers: string[] } }[] };
    expect(record.trained[0].selection.speakers).not.toEqual(record.trained[1].selection.speakers);
    r = mer('eval', '--run', committee, '--split', 'test');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('test: 6 items, held-out; committee of 2 (mean probabilities)');
    r = mer('predict', '--run', committee, '--out', path.join(dir, 'preds'), path.join(data, '08a01Wa.wav'));
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("committee of 2 (mean probabilities), each selected on inner validation by speaker, metric macro-F1: 1 (");
    expect(r.stderr).toContain(": each file gets the members' mean");
    // A finished committee resumed keeps its members.
    r = mer('train', '--features', features, '--out', committee, '--resume');
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('committee member 2 of 2: trained before, kept');
  });

  it('refuses a head config without --utterance, and unknown head keys, naming the file', () => {
    const config = path.join(dir, 'head.json');
    fs.writeFileSync(config, JSON.stringify({ utterance: { hidden: 16 } }));
    let r = mer('train', '--features', features, '--out', path.join(dir, 'x'), '--config', config);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`${config}: "utterance" sets the late-fused head; add --utterance to fuse the utterance stream`);
    fs.writeFileSync(config, JSON.stringify({ utterance: { width: 16 } }));
    r = mer('train', '--features', features, '--out', path.join(dir, 'x'), '--config', config, '--utterance');
    expect(r.stderr).toContain(`${config}: utterance: unknown key(s) width (keys: extractor, hidden, dropout)`);
  });
});
