const preset = require('../presets/jest.preset.js');
module.exports = { ...preset, rootDir: __dirname, displayName: 'workspace-checks', testMatch: ['<rootDir>/**/*.spec.ts'] };
