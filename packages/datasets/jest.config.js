const preset = require('../../tools/presets/jest.preset.js');

// h5wasm ships only ES modules for Node. Production code loads it with Node's require(esm); jest's
// module system cannot, so under jest its files are compiled to CommonJS by the same swc transform.
module.exports = {
  ...preset,
  rootDir: __dirname,
  displayName: 'datasets',
  transform: {
    ...preset.transform,
    'node_modules/h5wasm/.+\\.js$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs', ignoreDynamic: false } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!h5wasm/)'],
};
