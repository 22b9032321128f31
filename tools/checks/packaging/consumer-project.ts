import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The environment of a command run as a user would run it: without the variables `npm run` sets for
 * this workspace (npm_config_*, npm_package_*, ...) and without NODE_PATH, so nothing of the
 * workspace leaks into the consumer project.
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'NODE_PATH' && k !== 'INIT_CWD') env[k] = v;
  return { ...env, ...extra };
}

export function run(command: string, args: string[], cwd: string, options: { env?: Record<string, string>; timeoutMs?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env: userEnv(options.env), encoding: 'utf8', timeout: options.timeoutMs ?? 600_000, maxBuffer: 64 * 1024 * 1024 });
}

/** The last lines of a failed command's output that say why. */
export function why(r: SpawnSyncReturns<string>, lines = 8): string {
  if (r.error) return r.error.message;
  const text = `${r.stderr ?? ''}\n${r.stdout ?? ''}`;
  const missing = /Cannot find module '([^']+)'/.exec(text);
  if (missing) return `Cannot find module '${missing[1]}': nothing it installed provides it`;
  const errorLines = text.split('\n').filter((l) => /^npm error|Error|error TS/.test(l));
  return (errorLines.length > 0 ? errorLines : text.trim().split('\n')).slice(-lines).join('\n');
}

/**
 * Refuses a consumer folder below a node_modules that Node or tsc would search (the workspace's
 * own, or one in a parent of the temporary folder): the check must see only what the consumer installs.
 */
export function assertIsolated(dir: string): void {
  for (let d = path.dirname(path.resolve(dir)); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'node_modules'))) throw new Error(`${path.join(d, 'node_modules')} lies above the consumer project ${dir}; use another temporary folder (TMPDIR)`);
    if (path.dirname(d) === d) return;
  }
}

/** Every installed copy of `name` under `dir`/node_modules: package.json path → version. */
export function installedCopies(dir: string, name: string): Map<string, string> {
  const copies = new Map<string, string>();
  const visit = (nodeModules: string) => {
    if (!fs.existsSync(nodeModules)) return;
    const pkgJson = path.join(nodeModules, name, 'package.json');
    if (fs.existsSync(pkgJson)) copies.set(path.relative(dir, pkgJson), (JSON.parse(fs.readFileSync(pkgJson, 'utf8')) as { version: string }).version);
    for (const entry of fs.readdirSync(nodeModules, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const scoped = entry.name.startsWith('@') ? fs.readdirSync(path.join(nodeModules, entry.name)).map((n) => path.join(entry.name, n)) : [entry.name];
      for (const pkg of scoped) visit(path.join(nodeModules, pkg, 'node_modules'));
    }
  };
  visit(path.join(dir, 'node_modules'));
  return copies;
}
