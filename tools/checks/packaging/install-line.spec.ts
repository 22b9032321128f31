import * as fs from 'node:fs';
import * as path from 'node:path';
import { extractExample } from '../readme/run-readme-example';
import { importedPackages, installLineNeeds, installLineProblems, readInstallLine } from './install-line';
import { root, workspacePackages } from './workspace-packages';

// The static half of `npm run check:packaging`, fast enough for every test run: the README install
// lines and the onnxruntime-node pin. The check itself installs each package from its tarball.
const all = workspacePackages();
const byName = new Map(all.map((p) => [p.name, p]));
const pkg = (name: string) => {
  const p = byName.get(name);
  if (!p) throw new Error(`no workspace package ${name}`);
  return p;
};

describe('install lines', () => {
  it('reads the settings and packages of a README install line', () => {
    const readme = '# x\n\n```bash\nONNXRUNTIME_NODE_INSTALL=skip npm install @mer/cli @tensorflow/tfjs-core@4.22.0 --save\n```\n';
    expect(readInstallLine(readme)).toEqual({
      text: 'ONNXRUNTIME_NODE_INSTALL=skip npm install @mer/cli @tensorflow/tfjs-core@4.22.0 --save',
      env: { ONNXRUNTIME_NODE_INSTALL: 'skip' },
      packages: [{ name: '@mer/cli' }, { name: '@tensorflow/tfjs-core', version: '4.22.0' }],
    });
    expect(readInstallLine('```ts\nnpm install x\n```\n')).toBeUndefined();
  });

  it('finds the packages an example imports, Node built-ins left out', () => {
    const code = "import * as fs from 'node:fs';\nimport * as os from 'os';\nimport { a } from '@mer/a/sub';\nimport b from 'b';\nimport './local';\n";
    expect(importedPackages(code)).toEqual(['@mer/a', 'b']);
  });

  it('names what a line lacks: an imported package, a peer at its version, a setting', () => {
    const metrics = pkg('@mer/metrics');
    const example = "import * as tf from '@tensorflow/tfjs-core';\nimport { initBackend } from '@mer/backend';\nimport { cccLoss } from '@mer/metrics';\n";
    const needs = installLineNeeds(metrics, example, byName);
    expect(installLineProblems(readInstallLine('```bash\nnpm install @mer/metrics @tensorflow/tfjs-core@4.21.0\n```\n'), needs)).toEqual([
      'its install line names @tensorflow/tfjs-core@4.21.0; the package declares 4.22.0',
      'its install line `npm install @mer/metrics @tensorflow/tfjs-core@4.21.0` does not list @mer/backend',
    ]);
    const pipelines = installLineNeeds(pkg('@mer/pipelines'), "import { createPipeline } from '@mer/pipelines';\n", byName);
    expect(installLineProblems(readInstallLine('```bash\nnpm install @mer/pipelines @tensorflow/tfjs-core@4.22.0\n```\n'), pipelines)).toEqual([
      'its install line does not set ONNXRUNTIME_NODE_INSTALL=skip (onnxruntime-node comes along; its install script would fetch CUDA files)',
    ]);
  });

  it.each(all.map((p) => [p.name, p] as const))('%s: the README install line lists everything its example imports', (_name, p) => {
    const readme = fs.readFileSync(path.join(root, p.dir, 'README.md'), 'utf8');
    expect(installLineProblems(readInstallLine(readme), installLineNeeds(p, extractExample(readme), byName))).toEqual([]);
  });
});

describe('one onnxruntime-node', () => {
  it('every package declares exactly the onnxruntime-node that @huggingface/transformers pins', () => {
    const transformers = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/@huggingface/transformers/package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const pinned = transformers.dependencies['onnxruntime-node'];
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    const declared = all.flatMap((p) => Object.entries({ ...p.json.dependencies, ...p.json.peerDependencies, ...p.json.optionalDependencies }).filter(([n]) => n === 'onnxruntime-node').map(([, v]) => `${p.name}: ${v}`));
    expect(declared.length).toBeGreaterThan(0);
    expect(declared).toEqual(declared.map((d) => d.replace(/: .*/, `: ${pinned}`)));
  });

  it('the transformers.js that pins it is declared at one exact version', () => {
    const declared = new Set(all.flatMap((p) => (p.json.dependencies?.['@huggingface/transformers'] ? [p.json.dependencies['@huggingface/transformers']] : [])));
    expect([...declared]).toHaveLength(1);
    expect([...declared][0]).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
