import { compareWithReference, ReferenceFixture } from '@mer/attention-fusion';
import { initBackend } from '@mer/backend';
import dot from './fixtures/maven-reference.json';
import additive from './fixtures/maven-additive-reference.json';
import { MavenConfig, MavenModel } from './index';

// Fixtures: tools/reference/networks_reference.py (independent PyTorch implementation, tools/reference/networks.py).
describe('MAVEN against an independent PyTorch implementation', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  const cases: [string, { config: unknown; parameters: number }][] = [
    // Written before encoderAttention existed: its config has no such field, as older saved runs.
    ['beit-dot encoders (config without encoderAttention)', dot],
    ['additive encoders (eq. 21–24)', additive],
  ];
  for (const [name, fx] of cases) {
    it(`${name}: same parameter count; per-frame (v, a) and input gradients ≤ 1e-4 (key-padding mask)`, () => {
      const model = new MavenModel(fx.config as MavenConfig);
      expect(model.config.encoderAttention).toBe(name.startsWith('additive') ? 'additive' : 'beit-dot');
      expect(model.parameterCount()).toBe(fx.parameters);
      const diff = compareWithReference(model, fx as unknown as ReferenceFixture);
      expect(diff.output).toBeLessThan(1e-4);
      diff.gradients.forEach((g) => expect(g).toBeLessThan(1e-4));
      model.dispose();
    });
  }
});
