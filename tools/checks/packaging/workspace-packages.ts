import * as fs from 'node:fs';
import * as path from 'node:path';

export const root = path.resolve(__dirname, '../../..');

export interface PackageJson {
  name: string;
  version: string;
  main?: string;
  types?: string;
  /** A browser bundler's replacements: main → the browser entry, Node built-ins → false, ... */
  browser?: Record<string, string | false>;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
}

/** One package or app of the workspace. */
export interface WorkspacePackage {
  /** `@mer/backend` */
  name: string;
  /** `packages/backend`, relative to the workspace root. */
  dir: string;
  json: PackageJson;
}

/** Every package and app (`packages/*`, `apps/*` with a package.json), in folder order. */
export function workspacePackages(): WorkspacePackage[] {
  return ['packages', 'apps'].flatMap((group) =>
    fs
      .readdirSync(path.join(root, group))
      .filter((name) => fs.existsSync(path.join(root, group, name, 'package.json')))
      .map((name) => {
        const dir = `${group}/${name}`;
        const json = JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as PackageJson;
        return { name: json.name, dir, json };
      }),
  );
}

/** The peers a consumer must install itself: peerDependencies not marked optional. */
export function requiredPeers(json: PackageJson): Record<string, string> {
  return Object.fromEntries(Object.entries(json.peerDependencies ?? {}).filter(([name]) => !json.peerDependenciesMeta?.[name]?.optional));
}

/** What a published package brings in: dependencies, optionalDependencies and required peers. */
export function installedWith(json: PackageJson): Record<string, string> {
  return { ...json.dependencies, ...json.optionalDependencies, ...requiredPeers(json) };
}

/**
 * The workspace packages that installing `names` pulls in, `names` included (they are not on the
 * registry, so each must come as a tarball).
 */
export function merClosure(names: Iterable<string>, byName: Map<string, WorkspacePackage>): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    const pkg = byName.get(name);
    if (!pkg || seen.has(name)) return;
    seen.add(name);
    for (const dep of Object.keys(installedWith(pkg.json))) visit(dep);
  };
  for (const name of names) visit(name);
  return [...seen].sort();
}

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
