import { runDemo } from '../index';

describe('mer demo', () => {
  it('trains on wasm and beats chance on held-out synthetic VA data', async () => {
    const lines: string[] = [];
    const r = await runDemo({ steps: 120, seed: 3, log: (l) => lines.push(l) });
    expect(r.backend).toMatch(/^(wasm|tensorflow) /);
    expect(r.after.ccc).toBeGreaterThan(r.before.ccc + 0.3);
    expect(r.after.ccc).toBeGreaterThan(0.5);
    expect(r.quadrant.accuracy).toBeGreaterThan(r.quadrant.chance + 0.15);
    expect(lines.join('\n')).toMatch(/data: synthetic valence-arousal sequences/);
  });
});
