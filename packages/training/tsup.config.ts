import { defineConfig } from 'tsup';
import { tsupPreset } from '../../tools/presets/tsup.preset';

export default defineConfig(tsupPreset());
