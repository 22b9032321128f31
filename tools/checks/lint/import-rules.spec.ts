import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const eslintBin = path.join(root, 'node_modules/eslint/bin/eslint.js');

/**
 * Lints `code` as if it were the file at `file` (relative to the workspace root), with the
 * workspace's real eslint config, in a child process (the flat config is an ES module).
 */
async function lint(file: string, code: string): Promise<string[]> {
  const run = spawnSync(process.execPath, [eslintBin, '--stdin', '--stdin-filename', path.join(root, file), '--format', 'json'], {
    cwd: root,
    input: code,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false' },
  });
  if (run.status !== 0 && run.status !== 1) throw new Error(`eslint failed (${run.status}): ${run.stderr}`);
  const [result] = JSON.parse(run.stdout) as { messages: { ruleId: string; message: string }[] }[];
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('workspace import rules', () => {
  it('only @mer/backend may import a tfjs backend package', async () => {
    const code = "import '@tensorflow/tfjs-backend-wasm';\nexport const x = 1;\n";
    expect((await lint('packages/metrics/src/probe.ts', code)).join('\n')).toMatch(/no-restricted-imports: .*Only @mer\/backend selects a tensor backend/);
    expect((await lint('apps/cli/src/probe.ts', "import * as n from '@tensorflow/tfjs-node-gpu';\nexport const y = n;\n")).join('\n')).toMatch(/no-restricted-imports/);
    expect(await lint('packages/backend/src/probe.ts', code)).toEqual([]);
  });

  it('only @mer/backend may call setBackend', async () => {
    const code = "import * as tf from '@tensorflow/tfjs-core';\nexport async function f() { await tf.setBackend('cpu'); }\n";
    expect((await lint('packages/metrics/src/probe.ts', code)).join('\n')).toMatch(/no-restricted-syntax: .*call initBackend\(\)/);
  });

  it('libraries may not import apps', async () => {
    const code = "import { runDemo } from '@mer/cli';\nexport const d = runDemo;\n";
    expect((await lint('packages/metrics/src/probe.ts', code)).join('\n')).toMatch(/@nx\/enforce-module-boundaries/);
  });

  it('tags restrict which packages a library may use (media may not use metrics)', async () => {
    const code = "import { cccLoss } from '@mer/metrics';\nexport const c = cccLoss;\n";
    expect((await lint('packages/media/src/probe.ts', code)).join('\n')).toMatch(
      /@nx\/enforce-module-boundaries: A project tagged with "type:media" can only depend on libs tagged with "type:backend"/,
    );
  });

  it('libraries may not reach into another package by relative path', async () => {
    const code = "import { AdamW } from '../../backend/src/adamw';\nexport const a = AdamW;\n";
    expect((await lint('packages/metrics/src/probe.ts', code)).join('\n')).toMatch(/@nx\/enforce-module-boundaries/);
  });

  it('an app may use the libraries by their @mer names', async () => {
    const code = "import { initBackend } from '@mer/backend';\nimport { cccLoss } from '@mer/metrics';\nexport const z = [initBackend, cccLoss];\n";
    expect(await lint('apps/cli/src/probe.ts', code)).toEqual([]);
  });
});
