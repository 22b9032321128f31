import { builtinModules } from 'node:module';
import * as ts from 'typescript';
import { installedWith, merClosure, packageOf, requiredPeers, WorkspacePackage } from './workspace-packages';

/** A package named on an install line: `@tensorflow/tfjs-core@4.22.0` → name and version. */
export interface InstallSpec {
  name: string;
  /** Absent for `@mer/metrics` (the latest, or here its tarball). */
  version?: string;
}

/**
 * A README's install line, `[NAME=value ...] npm install <package> ...`: the first such line in a
 * ```bash block. `env` holds the settings it sets for the install (ONNXRUNTIME_NODE_INSTALL=skip).
 */
export interface InstallLine {
  text: string;
  env: Record<string, string>;
  packages: InstallSpec[];
}

const INSTALL = /^((?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*)npm\s+(?:install|i)\s+(.*)$/;

export function parseSpec(spec: string): InstallSpec {
  const at = spec.lastIndexOf('@');
  return at > 0 ? { name: spec.slice(0, at), version: spec.slice(at + 1) } : { name: spec };
}

/** The README's install line, or undefined when none of its ```bash blocks has one. */
export function readInstallLine(readme: string): InstallLine | undefined {
  for (const block of readme.matchAll(/```(?:bash|sh)\n([\s\S]*?)```/g)) {
    for (const line of block[1].split('\n')) {
      const m = INSTALL.exec(line.trim());
      if (!m) continue;
      const env = Object.fromEntries(
        m[1]
          .trim()
          .split(/\s+/)
          .filter(Boolean)
          .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      );
      const packages = m[2]
        .split(/\s+/)
        .filter((s) => s && !s.startsWith('-'))
        .map(parseSpec);
      return { text: line.trim(), env, packages };
    }
  }
  return undefined;
}

const builtins = new Set(builtinModules);

/** The packages a TypeScript example imports (node: and built-in modules left out), sorted. */
export function importedPackages(code: string): string[] {
  const info = ts.preProcessFile(code, true, true);
  const names = info.importedFiles
    .map((f) => f.fileName)
    .filter((s) => !s.startsWith('.') && !s.startsWith('/') && !s.startsWith('node:') && !builtins.has(packageOf(s)))
    .map(packageOf);
  return [...new Set(names)].sort();
}

/** What the install line of `pkg`'s README must hold, given its example's imports. */
export interface InstallLineNeeds {
  /** The package itself, its required peers and every package the example imports. */
  packages: Record<string, string | undefined>;
  /** Settings the install needs (ONNXRUNTIME_NODE_INSTALL=skip where onnxruntime-node comes along). */
  env: Record<string, string>;
}

/**
 * Problems of an install line against what it must hold, each a sentence naming the missing piece;
 * empty when the line is complete.
 */
export function installLineProblems(line: InstallLine | undefined, needs: InstallLineNeeds): string[] {
  if (!line) return ['the README has no install line (a ```bash block with `npm install <packages>`)'];
  const problems: string[] = [];
  const listed = new Map(line.packages.map((p) => [p.name, p.version]));
  for (const [name, version] of Object.entries(needs.packages)) {
    if (!listed.has(name)) problems.push(`its install line \`${line.text}\` does not list ${version ? `${name}@${version}` : name}`);
    else if (version && listed.get(name) !== version) problems.push(`its install line names ${name}@${listed.get(name) ?? '(no version)'}; the package declares ${version}`);
  }
  for (const [key, value] of Object.entries(needs.env)) {
    if (line.env[key] !== value) problems.push(`its install line does not set ${key}=${value} (onnxruntime-node comes along; its install script would fetch CUDA files)`);
  }
  return problems;
}

/** The package that pulls a native build whose install script needs a setting. */
const NATIVE_INSTALL_SETTINGS: Record<string, Record<string, string>> = {
  // Its postinstall fetches the CUDA provider files from NuGet; mer runs ONNX Runtime on the CPU.
  'onnxruntime-node': { ONNXRUNTIME_NODE_INSTALL: 'skip' },
};

/**
 * What `pkg`'s install line must hold: the package, its required peers at their declared versions,
 * every package `exampleCode` imports (a peer of the @mer packages installed at its declared
 * version), and the settings the packages that come along need at install time.
 */
export function installLineNeeds(pkg: WorkspacePackage, exampleCode: string, byName: Map<string, WorkspacePackage>): InstallLineNeeds {
  const imports = importedPackages(exampleCode);
  const closure = merClosure([pkg.name, ...imports.filter((i) => byName.has(i))], byName).map((n) => byName.get(n) as WorkspacePackage);
  const peerVersions: Record<string, string> = Object.assign({}, ...closure.map((p) => requiredPeers(p.json)));
  const packages: Record<string, string | undefined> = { [pkg.name]: undefined, ...requiredPeers(pkg.json) };
  for (const name of imports) if (!(name in packages)) packages[name] = peerVersions[name];
  const env: Record<string, string> = {};
  for (const p of closure) for (const dep of Object.keys(installedWith(p.json))) Object.assign(env, NATIVE_INSTALL_SETTINGS[dep]);
  return { packages, env };
}
