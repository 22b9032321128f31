// One lint config for the workspace. Two rules carry the architecture:
//  - @nx/enforce-module-boundaries: libraries (packages/*) may not import apps, and each package
//    may only depend on the kinds of package its nx tags allow;
//  - no-restricted-imports / no-restricted-syntax: only @mer/backend chooses or initialises a tfjs
//    backend (imports of tfjs-backend-* / tfjs-node* and calls to setBackend are refused elsewhere).
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const backendSelection = {
  patterns: [
    {
      group: ['@tensorflow/tfjs-backend-*', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs'],
      message: 'Only @mer/backend selects a tensor backend: import { initBackend } from "@mer/backend".',
    },
  ],
};

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
];
