import { initBackend } from '@mer/backend';
import counts from './fixtures/preset-parameters.json';
import { createTcnFusionModel, TCN_FUSION_PRESETS } from './index';

// Counts from the independent PyTorch implementation (tools/reference/networks.py) of each preset's
// config; regenerate with tools/reference/preset_parameters.py when a preset changes.
describe('every preset has the parameter count of the PyTorch reference', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  for (const name of Object.keys(TCN_FUSION_PRESETS)) {
    it(name, () => {
      const recorded = (counts as Record<string, { config: unknown; parameters: number }>)[name];
      expect(TCN_FUSION_PRESETS[name]()).toEqual(recorded.config);
      const model = createTcnFusionModel(name);
      expect(model.parameterCount()).toBe(recorded.parameters);
      model.dispose();
    });
  }
});
