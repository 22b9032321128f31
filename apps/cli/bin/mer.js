#!/usr/bin/env node
// The `mer` command: the built CLI (dist/, made by `npx nx build cli`), or — right after `npm ci`,
// before any build — the same CLI from its TypeScript sources through tsx.
const fs = require('node:fs');
const path = require('node:path');

const built = path.join(__dirname, '../dist/main.js');
if (fs.existsSync(built)) {
  require(built);
} else {
  const root = path.join(__dirname, '../../..');
  let tsx;
  try {
    tsx = require.resolve('tsx/cli', { paths: [root] });
  } catch {
    console.error('mer: the CLI is not built yet. Build it with:\n  npx nx run-many -t build\nthen run mer again.');
    process.exit(1);
  }
  const { spawnSync } = require('node:child_process');
  const env = { ...process.env, TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.json') };
  const r = spawnSync(process.execPath, [tsx, path.join(__dirname, '../src/main.ts'), ...process.argv.slice(2)], { stdio: 'inherit', env });
  process.exit(r.status ?? 1);
}
