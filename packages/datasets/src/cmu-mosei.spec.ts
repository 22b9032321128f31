import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openCsd, readMoseiFolds, readMoseiLabels, writeCsd } from './index';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-mosei-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('CMU-MOSEI computational sequences', () => {
  it('reads labels [sentiment, 6 emotions] with multi-label binarisation (present if > 0)', async () => {
    const file = path.join(dir, 'CMU_MOSEI_Labels.csd');
    await writeCsd(file, 'All Labels', {
      vidA: { features: [[1.5, 0, 0.33, 0, 0, 0, 1], [-2, 2, 0, 0, 0, 0.66, 0]], intervals: [[0, 3.5], [3.5, 8]] },
      vidB: { features: [[0, 0, 0, 0, 0, 0, 0]], intervals: [[1, 2]] },
    });
    const segs = await readMoseiLabels(file);
    expect(segs.map((s) => s.id)).toEqual(['vidA[0]', 'vidA[1]', 'vidB[0]']);
    expect(segs[0]).toMatchObject({ video: 'vidA', start: 0, end: 3.5, sentiment: 1.5 });
    expect(Array.from(segs[0].present)).toEqual([0, 1, 0, 0, 0, 1]);
    expect(Array.from(segs[1].present)).toEqual([1, 0, 0, 0, 1, 0]);
    expect(Array.from(segs[2].present)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('reads feature sequences one video at a time; −inf (COVAREP) becomes 0', async () => {
    const file = path.join(dir, 'COVAREP.csd');
    await writeCsd(file, 'COVAREP', { v1: { features: [[1, -Infinity, 3], [4, 5, 6]], intervals: [[0, 0.01], [0.01, 0.02]] } });
    const csd = await openCsd(file);
    expect(csd.name).toBe('COVAREP');
    expect(csd.videos).toEqual(['v1']);
    expect(csd.metadata['root name']).toBe('COVAREP');
    const s = csd.get('v1');
    expect([s.rows, s.dim]).toEqual([2, 3]);
    expect(Array.from(s.features)).toEqual([1, 0, 3, 4, 5, 6]);
    expect(s.nonFinite).toBe(1);
    expect(() => csd.get('nope')).toThrow(/video 'nope' has no features\/intervals/);
    csd.close();
  });

  it('wrong label width, missing and non-HDF5 files are clear errors', async () => {
    const file = path.join(dir, 'bad.csd');
    await writeCsd(file, 'All Labels', { v: { features: [[1, 2]], intervals: [[0, 1]] } });
    await expect(readMoseiLabels(file)).rejects.toThrow(/video 'v' has 2 label columns, expected 7/);
    await expect(openCsd(path.join(dir, 'none.csd'))).rejects.toThrow(/file not found/);
    const junk = path.join(dir, 'junk.csd');
    fs.writeFileSync(junk, 'not hdf5');
    await expect(openCsd(junk)).rejects.toThrow(/not a readable HDF5 computational sequence/);
  });

  it('reads the standard folds from JSON or the SDK python file', () => {
    const py = path.join(dir, 'cmu_mosei_std_folds.py');
    fs.writeFileSync(py, "standard_train_fold=['a1','b2']\nstandard_valid_fold=['c3']\nstandard_test_fold=[\n 'd4',\n 'e5']\n");
    expect(readMoseiFolds(py)).toEqual({ train: ['a1', 'b2'], valid: ['c3'], test: ['d4', 'e5'] });
    const json = path.join(dir, 'folds.json');
    fs.writeFileSync(json, JSON.stringify({ train: ['x'], valid: [], test: ['y'] }));
    expect(readMoseiFolds(json).test).toEqual(['y']);
  });
});
