// One spec file at a time: the browser specs each start Chromium with a fake camera, and side by side on
// two cores they starve each other (live-page once processed 7 frames in an 8 s pass that way in CI).
module.exports = { ...require('../../tools/presets/jest.preset.js'), rootDir: __dirname, displayName: 'live', maxWorkers: 1 };
