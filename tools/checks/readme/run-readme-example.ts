/**
 * Runs the first ```ts block of a package's README, so every README example stays runnable.
 * Usage (workspace root): npm run readme-example -- packages/metrics
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');

export function extractExample(readme: string): string {
  const m = /```ts\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('no ```ts block in README');
  return m[1];
}

export function runReadmeExample(projectDir: string): { status: number | null; stdout: string; stderr: string } {
  const readmePath = path.join(root, projectDir, 'README.md');
  const code = extractExample(fs.readFileSync(readmePath, 'utf8'));
  const outDir = path.join(root, 'tmp/readme-examples');
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${projectDir.replace(/[\\/]/g, '__')}.ts`);
  fs.writeFileSync(file, code);
  const run = spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), file], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

if (require.main === module) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: npm run readme-example -- <packages/name | apps/name>');
    process.exit(2);
  }
  const r = runReadmeExample(dir);
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  process.exit(r.status ?? 1);
}
