const preset = require('../presets/jest.preset.js');
// tools/checks' own specs and the bench tooling's (tools/bench/*.spec.ts, beside their source).
module.exports = { ...preset, rootDir: __dirname, displayName: 'workspace-checks', roots: ['<rootDir>', '<rootDir>/../bench'], testMatch: ['<rootDir>/**/*.spec.ts', '<rootDir>/../bench/**/*.spec.ts'] };
