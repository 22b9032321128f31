module.exports = { ...require('../../tools/presets/jest.preset.js'), rootDir: __dirname, displayName: 'live' };
