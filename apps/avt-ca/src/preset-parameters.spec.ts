import { initBackend } from '@mer/backend';
import counts from './fixtures/preset-parameters.json';
import { createAvtCaModel, AVT_CA_PRESETS } from './index';

// Counts from the independent PyTorch implementation (tools/reference/networks.py) of each preset's
// config; regenerate with tools/reference/preset_parameters.py when a preset changes.
describe('every preset has the parameter count of the PyTorch reference', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  for (const name of Object.keys(AVT_CA_PRESETS)) {
    it(name, () => {
      const recorded = (counts as Record<string, { config: unknown; parameters: number }>)[name];
      expect(AVT_CA_PRESETS[name]()).toEqual(recorded.config);
      const model = createAvtCaModel(name);
      expect(model.parameterCount()).toBe(recorded.parameters);
      model.dispose();
    });
  }
});
