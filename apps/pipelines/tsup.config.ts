import { defineConfig } from 'tsup';
import { tsupPreset } from '../../tools/presets/tsup.preset';

// src/browser.ts: the entry a browser bundler takes (package.json "browser").
export default defineConfig(tsupPreset({ entry: ['src/index.ts', 'src/browser.ts'] }));
