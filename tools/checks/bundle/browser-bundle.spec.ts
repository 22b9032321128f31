import * as path from 'node:path';
import { buildSync, Message } from 'esbuild';

const root = path.resolve(__dirname, '../../..');

// The tensor world: these packages hold tensor code only (file I/O comes in through `ModelFiles`),
// so each bundles for a browser. tfjs and transformers.js are the app's own to bundle.
const TENSOR_PACKAGES = ['packages/backend', 'packages/attention-fusion', 'packages/heads', 'packages/metrics', 'packages/training', 'apps/maven', 'apps/tcn-fusion', 'apps/avt-ca'];

function bundle(project: string): { errors: Message[]; nodeImports: string[] } {
  const result = buildSync({
    entryPoints: [path.join(root, project, 'src/index.ts')],
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
    expect(() => bundle('packages/media')).toThrow(/node:/);
  });
});
