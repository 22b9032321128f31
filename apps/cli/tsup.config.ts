import { defineConfig } from 'tsup';
import { tsupPreset } from '../../tools/presets/tsup.preset';

export default defineConfig(tsupPreset({ entry: ['src/index.ts', 'src/main.ts'] }));
