import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@mer/backend';
import { generateTestClip } from '@mer/media';
import { PipelineExtractor } from './pipeline-extractor';
import { VggishNetwork } from './vggish-network';
import expected from './fixtures/vggish-tiny/expected.json';
import { TWO_AUDIO_PLAN } from './fixtures/test-plans';

// A VGGish-shaped network at tiny widths in PyTorch (torchvggish's layer order and flatten order),
// converted by tools/convert/vggish_torch_to_mer.py: tools/reference/vggish_reference.py.
const fixture = path.join(__dirname, 'fixtures/vggish-tiny');

beforeAll(async () => {
  await initBackend();
});

describe('VggishNetwork (converted weights)', () => {
  it('matches the PyTorch reference: raw embeddings and PCA postprocessing', async () => {
    const net = VggishNetwork.load(fixture);
    expect(net.dim).toBe(6);
    const input = Float32Array.from(expected.input);
    const raw = net.embed(input);
    expect(raw.shape).toEqual([2, 6]);
    const got = await raw.data();
    expected.embeddings.forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThan(1e-4));
    const post = net.embed(input, { postprocess: true });
    expect(Array.from(await post.data())).toEqual(expected.postprocessed);
    raw.dispose();
    post.dispose();
    net.dispose();
  });

  it('refuses a folder that is not a converted VGGish, naming it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-vggish-'));
    expect(() => VggishNetwork.load(dir)).toThrow(`${dir}: not a converted VGGish`);
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ format: 'mer-vggish', tensors: [{ name: 'features.0.weight', shape: [4, 1, 3, 3] }] }));
    fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.alloc(36 * 4));
    expect(() => VggishNetwork.load(dir)).toThrow("missing 'features.0.weight' or 'features.0.bias'");
  });
});

describe('TCN-fusion extractor set with converted VGGish weights', () => {
  it('the vggish stream is the network’s embedding per frame', async () => {
    const ex = await PipelineExtractor.create(TWO_AUDIO_PLAN, { faces: 'none', vggishWeights: fixture });
    const vggish = ex.streams.find((s) => s.name === 'vggish')!;
    expect(vggish.dim).toBe(6);
    expect(vggish.extractor).toMatch(/^vggish:/);
    const clip = generateTestClip(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mer-vgg-')), 'c.mp4'), { seconds: 1, fps: 10 });
    const item = await ex.extract(clip);
    expect(item.streams['vggish'].data.length).toBe(10 * 6);
    expect(Array.from(item.streams['vggish'].data).every(Number.isFinite)).toBe(true);
    ex.dispose();
  });
});
