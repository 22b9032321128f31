/**
 * The packaging check: every package and app as a new user gets it. Builds the workspace, packs each
 * package and app (`npm pack`), and for each one makes an empty project in a temporary folder (no
 * workspace node_modules above it, no lockfile) that installs what its README's install line names —
 * the package, its required peers and whatever its example imports — with the @mer packages among
 * them, and those they depend on, as tarballs. There it checks:
 *   install line  the README's line lists the package, its peers and every import of its example
 *   install       `npm install` with the line's settings (ONNXRUNTIME_NODE_INSTALL=skip) succeeds
 *   one copy      one @tensorflow/tfjs-core and one onnxruntime-node in the tree
 *   require       require('<package>') loads and exports something
 *   import()      import('<package>') loads and has every name require() has
 *   types         tsc accepts a consumer of the package and the README example under node16 (ESM and
 *                 CommonJS) and bundler resolution, mer's declaration files checked in full
 *   example       the README example runs (tsx)
 *   browser       (a package whose package.json "browser" field names a browser entry) a user's browser
 *                 bundle of it (esbuild, with the package's optional peers such as onnxruntime-web
 *                 installed) takes that entry, builds, and runs in headless Chromium with the entry's exports
 * A failure names the package, the step and the missing piece. Registry downloads come from npm's
 * cache (the one `npm ci` filled; `--cache <dir>` for another).
 *
 * Usage (workspace root): npm run check:packaging [-- --only backend,media] [--no-build] [--keep] [--cache <dir>] [--counts <file>]
 * (`--counts` writes {passed, failed, skipped} per package for .ci/run's closing count).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { extractExample } from '../readme/run-readme-example';
import { browserConsumer } from './browser-consumer';
import { assertIsolated, installedCopies, run, why } from './consumer-project';
import { InstallLine, installLineNeeds, installLineProblems, readInstallLine } from './install-line';
import { TYPE_MODES, typeCheckConsumer } from './type-check';
import { merClosure, root, WorkspacePackage, workspacePackages } from './workspace-packages';

interface Options {
  /** Packages to check (`backend`, `@mer/backend` or `packages/backend`); all when absent. */
  only?: string[];
  build: boolean;
  keep: boolean;
  cache?: string;
  /** Where to write `{passed, failed, skipped}` (packages) as the jest count reporter does. */
  counts?: string;
}

interface StepResult {
  step: string;
  ok: boolean;
  detail: string;
  seconds: number;
}

/** name → its tarball, and the files of its package.json (main, types, bin) and README it lacks. */
type Tarballs = Map<string, { tarball: string; lacks: string[] }>;

/** Packages of which a consumer must hold exactly one copy. */
const SINGLE_COPY = ['@tensorflow/tfjs-core', 'onnxruntime-node'];
const EXAMPLE_TIMEOUT_MS = 300_000;

const lastLine = (text: string) => text.trim().split('\n').slice(-1)[0] ?? '';

function parseArgs(argv: string[]): Options {
  const options: Options = { build: true, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--only') options.only = argv[++i].split(',').filter(Boolean);
    else if (a === '--no-build') options.build = false;
    else if (a === '--keep') options.keep = true;
    else if (a === '--cache') options.cache = path.resolve(argv[++i]);
    else if (a === '--counts') options.counts = path.resolve(argv[++i]);
    else throw new Error(`unknown argument ${a}; usage: npm run check:packaging [-- --only backend,media] [--no-build] [--keep] [--cache <dir>] [--counts <file>]`);
  }
  return options;
}

function selected(all: WorkspacePackage[], only: string[] | undefined): WorkspacePackage[] {
  if (!only) return all;
  return only.map((o) => {
    const pkg = all.find((p) => p.name === o || p.dir === o || p.name === `@mer/${o}`);
    if (!pkg) throw new Error(`--only ${o}: no such package (one of ${all.map((p) => p.name.replace('@mer/', '')).join(', ')})`);
    return pkg;
  });
}

/** Packs every package and app: name → its tarball, or what its tarball lacks. */
function packAll(all: WorkspacePackage[], dest: string): Tarballs {
  fs.mkdirSync(dest, { recursive: true });
  const r = run('npm', ['pack', '--workspaces', '--pack-destination', dest, '--json', '--loglevel=error'], root);
  if (r.status !== 0) throw new Error(`npm pack failed: ${why(r)}`);
  const packed = JSON.parse(r.stdout) as { name: string; filename: string; files: { path: string }[] }[];
  const tarballs: Tarballs = new Map();
  for (const pkg of all) {
    const p = packed.find((x) => x.name === pkg.name);
    if (!p) throw new Error(`${pkg.name}: npm pack made no tarball`);
    const inside = new Set(p.files.map((f) => path.normalize(f.path)));
    const needed = [pkg.json.main, pkg.json.types, 'README.md', ...Object.values(pkg.json.bin ?? {})].filter((f): f is string => !!f).map((f) => path.normalize(f));
    tarballs.set(pkg.name, { tarball: path.join(dest, p.filename), lacks: needed.filter((f) => !inside.has(f)) });
  }
  return tarballs;
}

/** The consumer's package.json dependencies: the install line, @mer packages as tarballs with theirs. */
function consumerDependencies(line: InstallLine, pkg: WorkspacePackage, byName: Map<string, WorkspacePackage>, tarballs: Tarballs): Record<string, string> {
  const deps: Record<string, string> = {};
  const specs = [...line.packages];
  if (!specs.some((s) => s.name === pkg.name)) specs.push({ name: pkg.name });
  for (const s of specs) if (!byName.has(s.name)) deps[s.name] = s.version ?? 'latest';
  for (const name of merClosure([...specs.map((s) => s.name)], byName)) deps[name] = `file:${tarballs.get(name)?.tarball}`;
  return deps;
}

function checkPackage(pkg: WorkspacePackage, byName: Map<string, WorkspacePackage>, tarballs: Tarballs, dir: string, options: Options): StepResult[] {
  const results: StepResult[] = [];
  const step = (name: string, body: () => string): boolean => {
    const t0 = Date.now();
    let ok = true;
    let detail: string;
    try {
      detail = body();
    } catch (e) {
      ok = false;
      detail = (e as Error).message;
    }
    const seconds = (Date.now() - t0) / 1000;
    results.push({ step: name, ok, detail, seconds });
    console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${name.padEnd(22)} ${seconds.toFixed(1).padStart(6)} s  ${ok ? detail : detail.split('\n').join('\n' + ' '.repeat(40))}`);
    return ok;
  };

  const readme = fs.readFileSync(path.join(root, pkg.dir, 'README.md'), 'utf8');
  const example = extractExample(readme);
  const readmeLine = readInstallLine(readme);
  step('install line', () => {
    const problems = installLineProblems(readmeLine, installLineNeeds(pkg, example, byName));
    if (problems.length > 0) throw new Error(problems.join('\n'));
    return readmeLine?.text ?? '';
  });
  // Without a line the package alone is installed, so the other steps still say what they find.
  const line: InstallLine = readmeLine ?? { text: '', env: {}, packages: [{ name: pkg.name }] };
  const names = consumerDependencies(line, pkg, byName, tarballs);
  const packed = step('pack', () => {
    const lacking = Object.keys(names)
      .filter((n) => (tarballs.get(n)?.lacks.length ?? 0) > 0)
      .map((n) => `${n}'s tarball lacks ${tarballs.get(n)?.lacks.join(', ')} (built? in its "files"?)`);
    if (lacking.length > 0) throw new Error(lacking.join('\n'));
    return Object.keys(names)
      .filter((n) => byName.has(n))
      .map((n) => path.basename(tarballs.get(n)?.tarball ?? n))
      .join(' ');
  });
  if (!packed) return results;

  fs.mkdirSync(dir, { recursive: true });
  assertIsolated(dir);
  const rootJson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  const consumer = {
    name: 'mer-packaging-consumer',
    version: '0.0.0',
    private: true,
    dependencies: names,
    // A TypeScript project on Node has Node's types; tsc and tsx come from the workspace.
    devDependencies: { '@types/node': rootJson.devDependencies['@types/node'] },
  };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(consumer, null, 2) + '\n');
  const installed = step('install', () => {
    const args = ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', ...(options.cache ? ['--cache', options.cache] : [])];
    const r = run('npm', args, dir, { env: line.env });
    if (r.status !== 0) throw new Error(`npm install (${Object.keys(consumer.dependencies).join(' ')}) failed:\n${why(r)}`);
    return `${Object.keys(consumer.dependencies).length} packages named${Object.keys(line.env).length ? `, ${Object.entries(line.env).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}`;
  });
  if (!installed) return results;

  step('one copy', () => {
    const found = SINGLE_COPY.map((name) => [name, installedCopies(dir, name)] as const).filter(([, c]) => c.size > 0);
    const doubled = found.filter(([, c]) => c.size > 1);
    if (doubled.length > 0) throw new Error(doubled.map(([name, c]) => `${c.size} copies of ${name}: ${[...c].map(([where, v]) => `${v} (${path.dirname(where)})`).join(', ')}`).join('\n'));
    return found.map(([name, c]) => `${name} ${[...c.values()][0]}`).join(', ') || 'none of ' + SINGLE_COPY.join(', ');
  });

  let requireNames: string[] = [];
  step('require', () => {
    const r = run(process.execPath, ['-e', `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(pkg.name)})).sort()))`], dir);
    if (r.status !== 0) throw new Error(`require('${pkg.name}') failed: ${why(r)}`);
    requireNames = JSON.parse(lastLine(r.stdout)) as string[];
    if (requireNames.length === 0) throw new Error(`require('${pkg.name}') exports nothing`);
    return `${requireNames.length} exports`;
  });

  step('import()', () => {
    const code = `const m = await import(${JSON.stringify(pkg.name)}); console.log(JSON.stringify(Object.keys(m).sort()));`;
    const r = run(process.execPath, ['--input-type=module', '-e', code], dir);
    if (r.status !== 0) throw new Error(`import('${pkg.name}') failed: ${why(r)}`);
    const names = new Set(JSON.parse(lastLine(r.stdout)) as string[]);
    const lacking = requireNames.filter((n) => !names.has(n));
    if (lacking.length > 0) throw new Error(`import('${pkg.name}') lacks the named exports ${lacking.join(', ')} (Node cannot see them in the CommonJS build)`);
    return `${names.size - 1} named exports + default`;
  });

  for (const mode of TYPE_MODES) {
    step(`types (${mode.name})`, () => {
      const files = { api: `import * as api from ${JSON.stringify(pkg.name)};\nexport type Api = typeof api;\n`, 'readme-example': example };
      const { errors, merDeclarations } = typeCheckConsumer(dir, files, mode);
      if (errors.length > 0) throw new Error(errors.slice(0, 12).join('\n') + (errors.length > 12 ? `\n… ${errors.length - 12} more` : ''));
      return `${merDeclarations} @mer declaration files and the README example`;
    });
  }

  step('README example', () => {
    const file = path.join(dir, 'readme-example.ts');
    fs.writeFileSync(file, example);
    const r = run(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), file], dir, { timeoutMs: EXAMPLE_TIMEOUT_MS });
    if (r.status !== 0) throw new Error(`the README example failed: ${why(r)}`);
    if (r.stdout.trim() === '') throw new Error('the README example printed nothing');
    return lastLine(r.stdout).slice(0, 100);
  });

  const browserEntry = pkg.json.main ? pkg.json.browser?.[`./${path.normalize(pkg.json.main)}`] : undefined;
  if (typeof browserEntry === 'string') {
    step('browser', () => {
      const peers = pkg.json.peerDependencies ?? {};
      const optional = Object.keys(peers).filter((n) => pkg.json.peerDependenciesMeta?.[n]?.optional);
      if (optional.length > 0) {
        const specs = optional.map((n) => `${n}@${peers[n]}`);
        const r = run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', ...(options.cache ? ['--cache', options.cache] : []), ...specs], dir, { env: line.env });
        if (r.status !== 0) throw new Error(`npm install ${specs.join(' ')} failed:\n${why(r)}`);
      }
      const inNode = run(process.execPath, ['-e', `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(`${pkg.name}/${path.normalize(browserEntry)}`)})).sort()))`], dir);
      if (inNode.status !== 0) throw new Error(`require('${pkg.name}/${path.normalize(browserEntry)}') failed: ${why(inNode)}`);
      const expected = JSON.parse(lastLine(inNode.stdout)) as string[];
      const b = browserConsumer(dir, pkg.name, browserEntry, path.join(root, 'node_modules/.bin/esbuild'));
      const lacking = expected.filter((n) => !b.names.includes(n));
      if (lacking.length > 0) throw new Error(`in Chromium the bundle lacks ${lacking.join(', ')} of ${browserEntry}'s exports`);
      return `${(b.bytes / 1e6).toFixed(2)} MB bundle (esbuild) runs in Chromium with ${expected.length} exports${optional.length ? `, with ${optional.join(', ')}` : ''}`;
    });
  }
  return results;
}

function writeCounts(file: string | undefined, passed: number, failed: number): void {
  if (!file) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ passed, failed, skipped: 0 }));
}

/** Checks the packages `options` selects; returns how many failed. */
function checkAll(options: Options, targets: WorkspacePackage[], all: WorkspacePackage[]): number {
  const t0 = Date.now();
  const byName = new Map(all.map((p) => [p.name, p]));
  if (options.build) {
    console.log('== build (nx run-many -t build)');
    const r = run('npx', ['nx', 'run-many', '-t', 'build', '--outputStyle=static'], root, { env: { NX_DAEMON: 'false', NX_TUI: 'false' } });
    if (r.status !== 0) throw new Error(`the build failed:\n${why(r, 30)}`);
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-packaging-'));
  console.log(`== pack (npm pack --workspaces) into ${work}/tarballs`);
  const tarballs = packAll(all, path.join(work, 'tarballs'));
  const failures: string[] = [];
  const summary: string[] = [];
  let failedPackages = 0;
  for (const pkg of targets) {
    const t = Date.now();
    console.log(`== ${pkg.name}`);
    const dir = path.join(work, 'consumers', pkg.name.replace('@mer/', ''));
    const results = checkPackage(pkg, byName, tarballs, dir, options);
    const failed = results.filter((r) => !r.ok);
    if (failed.length > 0) failedPackages++;
    for (const f of failed) failures.push(`${pkg.name}: ${f.step}: ${f.detail}`);
    summary.push(`${pkg.name.padEnd(26)} ${failed.length === 0 ? 'ok  ' : 'FAIL'} ${((Date.now() - t) / 1000).toFixed(0).padStart(4)} s${failed.length ? '  (' + failed.map((f) => f.step).join(', ') + ')' : ''}`);
    if (failed.length === 0 && !options.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log('\n== packaging check');
  for (const s of summary) console.log(s);
  if (failures.length > 0) console.error('');
  for (const f of failures) console.error(`FAIL ${f}`);
  if (failures.length === 0 && !options.keep) fs.rmSync(work, { recursive: true, force: true });
  else console.log(`\nconsumer projects kept in ${work}/consumers`);
  console.log(`\n${targets.length - failedPackages} of ${targets.length} packages pass the packaging check (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  return failedPackages;
}

if (require.main === module) {
  let options: Options;
  let targets: WorkspacePackage[];
  const all = workspacePackages();
  try {
    options = parseArgs(process.argv.slice(2));
    targets = selected(all, options.only);
  } catch (e) {
    console.error(`packaging check: ${(e as Error).message}`);
    process.exit(2);
  }
  let failed = targets.length;
  try {
    failed = checkAll(options, targets, all);
  } catch (e) {
    console.error(`packaging check: ${(e as Error).message}`);
  }
  writeCounts(options.counts, targets.length - failed, failed);
  process.exitCode = failed === 0 ? 0 : 1;
}
