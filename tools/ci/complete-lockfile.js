#!/usr/bin/env node
// Lockfile maintenance, run after `npm install` changes dependencies:  node tools/ci/complete-lockfile.js
//
// The npm registry reachable from this workplace does not serve every platform build of packages
// with per-platform optional binaries (@swc/core-win32-*, @rollup/rollup-darwin-*, ...). npm 11 then
// leaves those entries out of package-lock.json, and `npm ci` refuses the lockfile ("Missing: X from
// lock file") although it would never install them here. This adds each missing entry with the version
// its parent pins and the os/cpu/libc read from its name, so `npm ci` accepts the lockfile on every
// platform and skips builds for other platforms, as it does for complete entries.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const lockPath = path.join(root, 'package-lock.json');

const OS = ['darwin', 'win32', 'linux', 'android', 'freebsd', 'openbsd', 'netbsd', 'sunos', 'aix', 'openharmony'];
const CPU = [
  ['arm64', 'arm64'], ['aarch64', 'arm64'], ['x64', 'x64'], ['ia32', 'ia32'], ['ppc64', 'ppc64'], ['s390x', 's390x'],
  ['riscv64', 'riscv64'], ['loong64', 'loong64'], ['mips64el', 'mips64el'], ['arm', 'arm'], ['wasm32', 'wasm32'],
];

function platformOf(name) {
  const tokens = name.split('/').pop().split('-');
  const os = OS.find((o) => tokens.includes(o));
  const cpu = CPU.find(([t]) => tokens.includes(t))?.[1];
  if (!os || !cpu) throw new Error(`cannot tell the platform of ${name}; add its lockfile entry by hand`);
  const libc = tokens.some((t) => t.startsWith('musl')) ? ['musl'] : os === 'linux' && tokens.some((t) => t.startsWith('gnu')) ? ['glibc'] : undefined;
  return { os: [os], cpu: [cpu], ...(libc ? { libc } : {}) };
}

function missing() {
  const run = spawnSync('npm', ['ci', '--dry-run', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
  return [...`${run.stdout}${run.stderr}`.matchAll(/Missing: (\S+?)@\S* from lock file/g)].map((m) => m[1]);
}

const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
const names = [...new Set(missing())];
let added = 0;
for (const name of names) {
  const parents = Object.entries(lock.packages).filter(([, p]) => p.optionalDependencies && p.optionalDependencies[name]);
  if (parents.length === 0) throw new Error(`no package in the lockfile lists ${name} as an optional dependency`);
  const [, parent] = parents[0];
  const key = `node_modules/${name}`;
  if (lock.packages[key]) continue;
  lock.packages[key] = {
    version: parent.optionalDependencies[name].replace(/^[\^~=]/, ''),
    ...platformOf(name),
    ...(parents.every(([, p]) => p.dev) ? { dev: true } : {}),
    optional: true,
  };
  added++;
}
const sorted = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
lock.packages = sorted;
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
const left = missing();
console.log(`complete-lockfile: added ${added} platform entries; npm ci now reports ${left.length} missing`);
process.exit(left.length === 0 ? 0 : 1);
