const preset = require('./presets/jest.preset.js');
module.exports = { ...preset, rootDir: __dirname, displayName: 'tools', testMatch: ['<rootDir>/**/*.spec.ts'] };
