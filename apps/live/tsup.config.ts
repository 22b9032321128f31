import { defineConfig } from 'tsup';
import { tsupPreset } from '../../tools/presets/tsup.preset';

// The server only; the page is bundled for the browser into dist/page by tools/bundle-page.ts.
export default defineConfig(tsupPreset());
