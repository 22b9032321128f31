import * as tf from '@tensorflow/tfjs-core';
import { initBackend, memoryFiles, readAndDispose, specBackend } from '@mer/backend';
import { speechKernelRecipe } from './speech-kernel-recipe';

/** 4 speakers × 3 classes × 4 items of 5-d rows: class c raises dimension c; [N, 1, 5]. */
function data() {
  const rows: number[] = [];
  const labels: number[] = [];
  const groups: string[] = [];
  for (let s = 0; s < 4; s++) {
    for (let i = 0; i < 12; i++) {
      const c = i % 3;
      rows.push(...[0, 1, 2, 3, 4].map((d) => (d === c ? 1.5 : 0) + 0.6 * Math.sin(s * 31 + i * 7.3 + d * 2.1)));
      labels.push(c);
      groups.push(`s${s}`);
    }
  }
  return { rows, labels: Int32Array.from(labels), groups };
}

describe('the speech-kernel recipe: a closed-form kernel network', () => {
  beforeAll(async () => {
    await initBackend({ backend: specBackend() });
  });

  it('fits in closed form with γ, λ chosen by leave-one-speaker-out, predicts, saves and loads', async () => {
    const before = tf.memory().numTensors;
    const net = speechKernelRecipe.build({ audio: 5 }, 'default', { numClasses: 3, overrides: { grid: { gammaScales: [0.5, 1], lambdas: [0.1, 1] } } });
    const { rows, labels, groups } = data();
    const audio = tf.tensor3d(rows, [48, 1, 5]);
    // Unfitted: zeros of the right shape (what a memory check before the fit sees).
    const zeros = net.forward({ audio });
    if (zeros.kind !== 'classification') throw new Error('expected logits');
    expect(Array.from(await readAndDispose(zeros.logits)).every((v) => v === 0)).toBe(true);
    if (!net.fitClosedForm) throw new Error('the kernel network is closed-form');
    const fit = await net.fitClosedForm({ streams: { audio }, labels, groups });
    expect(fit.note).toMatch(/^kernel ridge with γ = (0\.5|1) × scale \([\d.]+\), λ = (0\.1|1): inner UAR [\d.]+, chosen by mean UAR of leave-one-group-out over the 4 groups given \(s0, s1, s2, s3\)/);
    expect(fit.innerScore).toBeGreaterThan(0.8);
    const out = net.forward({ audio });
    if (out.kind !== 'classification') throw new Error('expected logits');
    expect(out.logits.shape).toEqual([48, 3]);
    const predicted = Array.from(await readAndDispose(tf.argMax(out.logits, 1)));
    expect(predicted.filter((p, i) => p === labels[i]).length).toBeGreaterThan(43);
    const files = memoryFiles();
    await net.save(files);
    expect([...files.files.keys()].sort()).toEqual(['kernel.bin', 'kernel.json', 'model.json', 'weights.bin']);
    const again = speechKernelRecipe.load(files);
    const out2 = again.forward({ audio });
    if (out2.kind !== 'classification') throw new Error('expected logits');
    expect(Array.from(await readAndDispose(out2.logits))).toEqual(Array.from(await readAndDispose(out.logits)));
    audio.dispose();
    net.layer.dispose();
    again.layer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('without two named speakers it fits the defaults and says that nothing was selected', async () => {
    const net = speechKernelRecipe.build({ audio: 5 }, 'default', { numClasses: 3 });
    const { rows, labels } = data();
    const audio = tf.tensor3d(rows, [48, 1, 5]);
    const fit = await net.fitClosedForm?.({ streams: { audio }, labels, groups: null });
    expect(fit?.innerScore).toBeUndefined();
    expect(fit?.note).toContain('the rows name fewer than 2 groups (speakers), so nothing was selected');
    audio.dispose();
    net.layer.dispose();
  });
});
