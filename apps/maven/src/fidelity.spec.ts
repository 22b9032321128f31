import { compareWithReference, ReferenceFixture } from '@mer/attention-fusion';
import { initBackend } from '@mer/backend';
import fx from './fixtures/maven-reference.json';
import { MavenConfig, MavenModel } from './index';

// Fixture: tools/reference/networks_reference.py (independent PyTorch implementation, tools/reference/networks.py).
describe('MAVEN against an independent PyTorch implementation', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('same parameter count; per-frame (v, a) and input gradients ≤ 1e-4 (key-padding mask)', () => {
    const model = new MavenModel(fx.config as unknown as MavenConfig);
    expect(model.parameterCount()).toBe(fx.parameters);
    const diff = compareWithReference(model, fx as unknown as ReferenceFixture);
    expect(diff.output).toBeLessThan(1e-4);
    diff.gradients.forEach((g) => expect(g).toBeLessThan(1e-4));
    model.dispose();
  });
});
