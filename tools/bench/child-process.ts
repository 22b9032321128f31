import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/**
 * Runs `script --child ...args` in a fresh Node process (through tsx) and returns the JSON object it
 * prints last, so each measurement's peak RSS is its own.
 */
export function runBenchChild<T>(script: string, args: string[]): T {
  const root = path.join(__dirname, '../..');
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), script, '--child', ...args], { encoding: 'utf8', cwd: root });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as T;
}
