import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/**
 * What loading `@mer/pipelines` loads (every `mer` command and extraction worker does): not echarts
 * (plots) nor transformers.js (hub encoders, speech recognition), which load on first use. Run in a
 * fresh Node process, whose module cache says what was required.
 */
function loadedAfter(script: string): Record<string, boolean> {
  const index = path.join(__dirname, 'index.ts');
  const code = `
    const loaded = (name) => Object.keys(require.cache).some((k) => k.includes('/node_modules/' + name + '/'));
    (async () => {
      const p = require(${JSON.stringify(index)});
      ${script}
      console.log(JSON.stringify({ echarts: loaded('echarts'), transformers: loaded('@huggingface/transformers'), tfjs: loaded('@tensorflow/tfjs-core') }));
    })();`;
  const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', code], { encoding: 'utf8', cwd: path.join(__dirname, '..') });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, boolean>;
}

describe('@mer/pipelines at start', () => {
  it('loads tfjs but neither echarts nor transformers.js; a plot loads echarts', () => {
    expect(loadedAfter('')).toEqual({ echarts: false, transformers: false, tfjs: true });
    const plotted = loadedAfter("if (!p.probabilitiesSvg(['a', 'b'], [0.3, 0.7]).includes('<svg')) throw new Error('no svg');");
    expect(plotted).toEqual({ echarts: true, transformers: false, tfjs: true });
  }, 60000);
});
