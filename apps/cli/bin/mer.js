#!/usr/bin/env node
// The `mer` command: the built CLI (dist/, made by `npx nx run-many -t build`), or — right after
// `npm ci`, before any build, or when a source file is newer than the build (a checkout that was
// pulled or edited since) — the same CLI from its TypeScript sources through tsx.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '../../..');
const built = path.join(__dirname, '../dist/main.js');

/** Newest modification time of the workspace's TypeScript sources (0 outside a checkout). */
function newestSource() {
  let newest = 0;
  for (const group of ['apps', 'packages']) {
    const dir = path.join(root, group);
    if (!fs.existsSync(dir)) continue;
    for (const project of fs.readdirSync(dir)) {
      const stack = [path.join(dir, project, 'src')];
      while (stack.length > 0) {
        const d = stack.pop();
        if (!fs.existsSync(d)) continue;
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
          const p = path.join(d, e.name);
          if (e.isDirectory()) stack.push(p);
          else if (e.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
        }
      }
    }
  }
  return newest;
}

if (fs.existsSync(built) && (!fs.existsSync(path.join(__dirname, '../src')) || fs.statSync(built).mtimeMs >= newestSource())) {
  require(built);
} else {
  let tsx;
  try {
    tsx = require.resolve('tsx/cli', { paths: [root] });
  } catch {
    console.error('mer: the CLI is not built (or older than its sources). Build it with:\n  npx nx run-many -t build\nthen run mer again.');
    process.exit(1);
  }
  const { spawnSync } = require('node:child_process');
  const env = { ...process.env, TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.json') };
  const r = spawnSync(process.execPath, [tsx, path.join(__dirname, '../src/main.ts'), ...process.argv.slice(2)], { stdio: 'inherit', env });
  process.exit(r.status ?? 1);
}
