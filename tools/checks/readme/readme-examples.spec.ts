import * as fs from 'node:fs';
import * as path from 'node:path';
import { extractExample, runReadmeExample } from './run-readme-example';

const root = path.resolve(__dirname, '../../..');
const projects = ['packages', 'apps'].flatMap((group) =>
  fs
    .readdirSync(path.join(root, group))
    .filter((name) => fs.existsSync(path.join(root, group, name, 'package.json')))
    .map((name) => `${group}/${name}`),
);

describe('every package README has a runnable example', () => {
  for (const project of projects) {
    it(`${project}/README.md example runs`, () => {
      expect(fs.existsSync(path.join(root, project, 'README.md'))).toBe(true);
      const r = runReadmeExample(project);
      if (r.status !== 0) throw new Error(`example failed (${r.status}):\n${r.stderr}`);
      expect(r.stdout.trim().length).toBeGreaterThan(0);
    });
  }
});

describe('the root README', () => {
  it('registers a custom network recipe and trains it in ≤ 30 lines; the example runs and learns', () => {
    const code = extractExample(fs.readFileSync(path.join(root, 'README.md'), 'utf8'));
    expect(code.trim().split('\n').length).toBeLessThanOrEqual(30);
    const r = runReadmeExample('.');
    if (r.status !== 0) throw new Error(`example failed (${r.status}):\n${r.stderr}`);
    expect(r.stdout).toMatch(/^held-out accuracy (0\.[5-9]\d|1\.00) \(chance 0\.25\)/);
  });
});
