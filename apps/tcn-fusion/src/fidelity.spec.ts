import { compareWithReference, ReferenceFixture } from '@mer/attention-fusion';
import { initBackend, specBackend } from '@mer/backend';
import fx from './fixtures/tcn-fusion-reference.json';
import { TcnFusionConfig, TcnFusionModel } from './index';

// Fixture: tools/reference/networks_reference.py (independent PyTorch implementation, tools/reference/networks.py).
describe('TCN-fusion against an independent PyTorch implementation', () => {
  beforeAll(async () => {
    await initBackend({ backend: specBackend() });
  });

  it('same parameter count; outputs and input gradients ≤ 1e-4 (masked attention)', async () => {
    const model = new TcnFusionModel(fx.config as unknown as TcnFusionConfig);
    expect(model.parameterCount()).toBe(fx.parameters);
    const diff = await compareWithReference(model, fx as unknown as ReferenceFixture);
    expect(diff.output).toBeLessThan(1e-4);
    diff.gradients.forEach((g) => expect(g).toBeLessThan(1e-4));
    model.dispose();
  });
});
