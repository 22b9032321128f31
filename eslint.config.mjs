// One lint config for the workspace. Two rules carry the architecture:
//  - @nx/enforce-module-boundaries: libraries (packages/*) may not import apps, and each package
//    may only depend on the kinds of package its nx tags allow;
//  - no-restricted-imports / no-restricted-syntax: only @mer/backend chooses or initialises a tfjs
//    backend (imports of tfjs-backend-* / tfjs-node* and calls to setBackend are refused elsewhere).
// A third keeps every package installable on its own:
//  - @nx/dependency-checks on each package.json: every package its shipped source imports (specs,
//    spec fixtures and build configs excepted) is in dependencies, peerDependencies or
//    optionalDependencies at a range holding the installed version, and nothing declared there is
//    unused. `npm run check:packaging` proves the result from tarballs in empty projects.
import nx from '@nx/eslint-plugin';
import jsoncParser from 'jsonc-eslint-parser';
import tseslint from 'typescript-eslint';

const backendSelection = {
  patterns: [
    {
      group: ['@tensorflow/tfjs-backend-*', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs'],
      message: 'Only @mer/backend selects a tensor backend: import { initBackend } from "@mer/backend".',
    },
  ],
};

/**
 * Declared packages that no import names, so @nx/dependency-checks cannot see their use; each is
 * listed with where it is loaded. A package here is exempt from the rule in that project only.
 */
const usedWithoutImport = {
  // backend-selection.ts require()s the backend packages from a table, by name.
  // webgpu-adapter.ts resolves the npm 'webgpu' package's dawn.node by path (its entry is an ES module).
  'packages/backend': ['@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-node-gpu', 'webgpu'],
  // ffmpeg-locator.ts resolves the ffmpeg binaries' packages by name, in order.
  'packages/media': ['@ffmpeg-installer/ffmpeg', '@ffprobe-installer/ffprobe', 'ffmpeg-static'],
  // cmu-mosei.ts finds h5wasm's ES module entry through its package.json (no CommonJS build).
  'packages/datasets': ['h5wasm'],
  // tsx: face-track-process.ts (and the CLI's bin/mer.js) reach for it only when running from the
  // TypeScript sources of this workspace; the published packages run their built dist/.
  // onnxruntime-web: package.json's "browser" field puts it in place of onnxruntime-node for bundlers.
  'packages/feature-extractors': ['tsx', 'onnxruntime-web'],
  // zod: declared ahead of the validated configs that will use it.
  'packages/training': ['zod'],
  'apps/cli': ['tsx', 'zod'],
};

/** @nx/dependency-checks for one project's package.json (or, with no root, for every other one). */
function dependencyChecks(root) {
  return {
    files: root ? [`${root}/package.json`] : ['packages/*/package.json', 'apps/*/package.json'],
    ignores: root ? [] : Object.keys(usedWithoutImport).map((r) => `${r}/package.json`),
    languageOptions: { parser: jsoncParser },
    rules: {
      '@nx/dependency-checks': [
        'error',
        {
          buildTargets: ['build'],
          checkMissingDependencies: true,
          checkObsoleteDependencies: true,
          checkVersionMismatches: true,
          // Specs and their fixtures may use devDependencies; build and test configs are tooling.
          ignoredFiles: ['{projectRoot}/**/*.spec.ts', '{projectRoot}/src/**/fixtures/**', '{projectRoot}/*.config.{ts,js}', '{projectRoot}/tools/**'],
          ignoredDependencies: root ? usedWithoutImport[root] : [],
        },
      ],
    },
  };
}

export default [
  { ignores: ['**/dist/**', '**/node_modules/**', '**/tmp/**', 'tools/presets/*.js', '**/*.config.*'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:backend', 'type:metrics', 'type:media', 'type:data', 'type:feature-extractor', 'type:fusion', 'type:head', 'type:training', 'type:app'] },
            { sourceTag: 'type:backend', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:metrics', onlyDependOnLibsWithTags: ['type:backend'] },
            { sourceTag: 'type:media', onlyDependOnLibsWithTags: ['type:backend'] },
            { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:backend', 'type:media'] },
            { sourceTag: 'type:feature-extractor', onlyDependOnLibsWithTags: ['type:backend', 'type:media', 'type:data', 'type:training'] },
            { sourceTag: 'type:training', onlyDependOnLibsWithTags: ['type:backend', 'type:fusion'] },
            { sourceTag: 'type:fusion', onlyDependOnLibsWithTags: ['type:backend'] },
            { sourceTag: 'type:head', onlyDependOnLibsWithTags: ['type:backend', 'type:metrics', 'type:fusion'] },
            { sourceTag: 'scope:lib', notDependOnLibsWithTags: ['type:app'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.ts'],
    ignores: ['packages/backend/**', 'tools/bench/**'],
    rules: {
      'no-restricted-imports': ['error', backendSelection],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='setBackend'], CallExpression[callee.name='setBackend']",
          message: 'Only @mer/backend selects a tensor backend: call initBackend() from @mer/backend.',
        },
      ],
    },
  },
  dependencyChecks(),
  ...Object.keys(usedWithoutImport).map(dependencyChecks),
];
