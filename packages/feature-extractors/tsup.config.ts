import { defineConfig } from 'tsup';
import { tsupPreset } from '../../tools/presets/tsup.preset';

// The face process of two-process prediction is its own entry (forked by face-track-process.ts);
// src/browser.ts is the entry a browser bundler takes (package.json "browser").
export default defineConfig(tsupPreset({ entry: ['src/index.ts', 'src/browser.ts', 'src/face-track-worker.ts'] }));
