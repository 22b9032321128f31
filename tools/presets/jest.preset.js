// Shared jest preset for every package and app: TypeScript through swc, node environment,
// `@mer/*` imports resolved to the workspace sources from tsconfig.base.json paths so a
// package's tests never need another package built first.
const path = require('node:path');
const { compilerOptions } = require('../../tsconfig.base.json');

const root = path.resolve(__dirname, '../..');
const moduleNameMapper = {};
for (const [name, [target]] of Object.entries(compilerOptions.paths)) {
  moduleNameMapper[`^${name.replace('/', '\\/')}$`] = path.join(root, target);
}

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: path.join(__dirname, 'jest-node-realm-environment.js'),
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/tools/**/*.spec.ts'],
  // *.webgpu.spec.ts need a WebGPU adapter (a GPU, or SwiftShader as the webgpu CI leg sets up): they
  // run only when MER_BACKEND=webgpu, never in the default run.
  testPathIgnorePatterns: ['/node_modules/', ...(process.env.MER_BACKEND === 'webgpu' ? [] : ['\\.webgpu\\.spec\\.ts$'])],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
    // h5wasm (CMU-MOSEI .csd files, @mer/datasets) ships only ES modules for Node. Production code loads
    // it with Node's require(esm); jest's module system cannot, so under jest its files are compiled
    // to CommonJS by the same swc transform.
    'node_modules/h5wasm/.+\\.js$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs', ignoreDynamic: false } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!h5wasm/)'],
  moduleNameMapper,
  // Numeric tests on wasm can take a few seconds each on a 2-core machine.
  testTimeout: 60_000,
  // Results as JSON beside the console output so .ci/run can print one closing count.
  reporters: ['default', [path.join(__dirname, 'jest-count-reporter.js'), {}]],
};
