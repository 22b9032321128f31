import { compareWithReference, ReferenceFixture } from '@mer/attention-fusion';
import { initBackend, specBackend } from '@mer/backend';
import fx from './fixtures/avt-ca-reference.json';
import { AvtCaConfig, AvtCaModel } from './index';

// Fixture: tools/reference/networks_reference.py (independent PyTorch implementation, tools/reference/networks.py).
describe('AVT-CA against an independent PyTorch implementation', () => {
  beforeAll(async () => {
    await initBackend({ backend: specBackend() });
  });

  it('same parameter count; logits and input gradients ≤ 1e-4 (eval mode, BatchNorm statistics counted)', async () => {
    const model = new AvtCaModel(fx.config as unknown as AvtCaConfig);
    expect(model.parameterCount()).toBe(fx.parameters);
    const diff = await compareWithReference(model, fx as unknown as ReferenceFixture);
    expect(diff.output).toBeLessThan(1e-4);
    diff.gradients.forEach((g) => expect(g).toBeLessThan(1e-4));
    model.dispose();
  });
});
