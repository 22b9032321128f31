import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync, Message } from 'esbuild';

const root = path.resolve(__dirname, '../../..');

// The tensor world: these packages hold tensor code only (file I/O comes in through `ModelFiles`),
// so each bundles for a browser. tfjs and transformers.js are the app's own to bundle.
const TENSOR_PACKAGES = ['packages/backend', 'packages/attention-fusion', 'packages/heads', 'packages/metrics', 'packages/training', 'apps/maven', 'apps/tcn-fusion', 'apps/avt-ca'];

function bundle(project: string, entry = path.join(root, project, 'src/index.ts')): { errors: Message[]; nodeImports: string[] } {
  const result = buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
    // @mer/* resolve to their sources through the workspace paths, and are bundled with the package.
    tsconfig: path.join(root, 'tsconfig.base.json'),
    external: ['@tensorflow/*', '@huggingface/*'],
  });
  const nodeImports = Object.values(result.metafile!.inputs).flatMap((i) => i.imports.map((imp) => imp.path).filter((p) => p.startsWith('node:')));
  return { errors: result.errors, nodeImports };
}

describe('tensor packages bundle for the browser (esbuild --platform=browser, no node: imports)', () => {
  it.each(TENSOR_PACKAGES)('%s', (project) => {
    let outcome: { errors: Message[]; nodeImports: string[] };
    try {
      outcome = bundle(project);
    } catch (e) {
      const errors = (e as { errors?: Message[] }).errors ?? [];
      throw new Error(`${project} does not bundle for the browser:\n${errors.map((m) => `${m.location?.file}:${m.location?.line}: ${m.text}`).join('\n') || String(e)}`);
    }
    expect(outcome.errors).toEqual([]);
    expect(outcome.nodeImports).toEqual([]);
  });

  it('the check catches a node: import', () => {
    // A file of its own: @mer/media's package.json maps node: built-ins to empty modules for browser
    // bundlers ("browser"), which would hide them here.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-bundle-check-'));
    try {
      fs.writeFileSync(path.join(dir, 'index.ts'), "import * as fs from 'node:fs';\nexport const read = fs.readFileSync;\n");
      expect(() => bundle('a node-only file', path.join(dir, 'index.ts'))).toThrow(/node:/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("no tensor package declares a package.json \"browser\" field (it could map a node: import away from this check)", () => {
    const declaring = TENSOR_PACKAGES.filter((p) => 'browser' in (JSON.parse(fs.readFileSync(path.join(root, p, 'package.json'), 'utf8')) as object));
    expect(declaring).toEqual([]);
  });
});
