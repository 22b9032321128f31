import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DatasetDefinition, findDataset, foldSplit, getDataset, listDatasets, parseDatasetSpec, readDataset, registerDataset } from './index';

const touch = (file: string) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '');
  return file;
};

describe('the dataset registry', () => {
  it('holds the built-in readers, each saying what it reads, its labels, split and folds', () => {
    expect(listDatasets().map((d) => [d.name, d.labels, d.classes?.length, d.folds?.count])).toEqual([
      ['ravdess', 'classes', 8, 6],
      ['crema-d', 'classes', 6, undefined],
      ['emodb', 'classes', 7, undefined],
      ['affwild2', 'valence-arousal', undefined, 6],
    ]);
    expect(getDataset('ravdess').split).toBe("AVT-CA's: actors 1–4 test, 5–8 validation, 9–24 train");
    expect(() => getDataset('voxceleb')).toThrow("unknown dataset 'voxceleb' (registered: ravdess, crema-d, emodb, affwild2)");
  });

  it('parses <name>:<root>; an unknown name or a missing root lists the registered names', () => {
    const { definition, root } = parseDatasetSpec('emodb:/data/emo:db');
    expect([definition.name, root]).toEqual(['emodb', '/data/emo:db']);
    expect(() => parseDatasetSpec('voxceleb:/x')).toThrow("--dataset 'voxceleb:/x': expected <kind>:<root> with kind one of ravdess, crema-d, emodb, affwild2, e.g. ravdess:/data/RAVDESS");
    expect(() => parseDatasetSpec('emodb')).toThrow("--dataset 'emodb': expected <kind>:<root>");
  });

  it("reads a built-in dataset through its definition: EmoDB's items, speakers from the names", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-registry-emodb-'));
    for (const n of ['03a01Wa', '08a02Tb']) touch(path.join(root, `${n}.wav`));
    const read = readDataset(getDataset('emodb'), root);
    expect(read.items.map((i) => [i.id, i.speaker, i.classLabel, i.split])).toEqual([
      ['03a01Wa', '03', 0, 'train'],
      ['08a02Tb', '08', 5, 'train'],
    ]);
    expect(read.classes).toEqual(['anger', 'boredom', 'disgust', 'fear', 'happiness', 'sadness', 'neutral']);
    expect(read.notes).toEqual([]);
    expect(() => readDataset(getDataset('ravdess'), root)).toThrow(`${root}: no ravdess items found`);
  });

  it('a speaker from a file name, by each dataset that names speakers in its file names', () => {
    expect(getDataset('emodb').speakerOfFile?.('/d/08a01Wa.wav')).toBe('08');
    expect(getDataset('ravdess').speakerOfFile?.('/d/Actor_07/01-01-05-01-01-01-07.mp4')).toBe('07');
    expect(getDataset('crema-d').speakerOfFile?.('/d/1001_DFA_ANG_XX.flv')).toBe('1001');
    expect(getDataset('affwild2').speakerOfFile).toBeUndefined();
  });

  it('official folds re-split items; a dataset without folds names those that have them', () => {
    const items = [1, 4, 9].map((a) => ({ id: `a${a}`, file: `/d/03-01-05-01-01-01-${String(a).padStart(2, '0')}.wav`, split: 'train' }));
    expect(foldSplit(getDataset('ravdess'), items, 2, 'x').map((i) => i.split)).toEqual(['train', 'test', 'train']);
    expect(() => foldSplit(getDataset('emodb'), items, 2, 'feats holds emodb:/d')).toThrow(
      "--fold: folds are defined for RAVDESS (1–6, speakers) and Aff-Wild2 (1–6, TCN-fusion's protocol); feats holds emodb:/d — use --split at extraction, or mer cv",
    );
    // Aff-Wild2: a video's _left and _right tracks (one speaker: the video) stay together.
    const aw = ['a', 'b', 'c', 'c_left', 'd', 'e'].map((id) => ({ id, file: `/v/${id}.mp4`, split: 'train', speaker: id.replace(/_left$/, '') }));
    expect(foldSplit(getDataset('affwild2'), aw, 3, 'x').filter((i) => i.split === 'validation').map((i) => i.id)).toEqual(['c', 'c_left']);
  });

  it("registers a user's reader: listed, read by name, its folds used; bad definitions are refused", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-registry-custom-'));
    fs.writeFileSync(path.join(root, 'labels.csv'), 'file,speaker,emotion\na.wav,s1,calm\nb.wav,s2,angry\n');
    const mine: DatasetDefinition = {
      name: 'my-corpus',
      title: 'My corpus',
      about: 'WAVs listed in labels.csv',
      labels: 'classes',
      classes: ['calm', 'angry'],
      split: "speaker s2 'test', the rest 'train'",
      read: (dir) => ({
        items: fs
          .readFileSync(path.join(dir, 'labels.csv'), 'utf8')
          .trim()
          .split('\n')
          .slice(1)
          .map((line) => line.split(','))
          .map(([file, speaker, emotion]) => ({ id: file.replace('.wav', ''), file: path.join(dir, file), speaker, classLabel: ['calm', 'angry'].indexOf(emotion), split: speaker === 's2' ? 'test' : 'train' })),
      }),
      folds: { count: 2, about: '1–2, speakers', split: (items, fold) => items.map((i) => ({ ...i, split: i.speaker === `s${fold}` ? 'test' : 'train' })) },
    };
    registerDataset(mine);
    expect(findDataset('my-corpus')).toBe(mine);
    expect(listDatasets().map((d) => d.name)).toContain('my-corpus');
    const { definition, root: r } = parseDatasetSpec(`my-corpus:${root}`);
    const read = readDataset(definition, r);
    expect(read.items.map((i) => [i.id, i.speaker, i.classLabel, i.split])).toEqual([
      ['a', 's1', 0, 'train'],
      ['b', 's2', 1, 'test'],
    ]);
    expect(read.classes).toEqual(['calm', 'angry']);
    expect(readDataset(definition, r, { fold: 1 }).items.map((i) => i.split)).toEqual(['test', 'train']);
    expect(() => registerDataset({ ...mine, name: 'My Corpus' })).toThrow("dataset name 'My Corpus': use lower-case letters, digits and '-'");
    expect(() => registerDataset({ ...mine, read: undefined })).toThrow("dataset 'my-corpus': give either read (items from media) or precomputed (features written from files), not neither");
    const precomputed = { about: 'its features are precomputed — use mine()', written: 'rows written', extract: () => Promise.reject(new Error('not here')) };
    expect(() => registerDataset({ ...mine, precomputed })).toThrow('not both');
    expect(() => readDataset({ ...mine, read: undefined, precomputed }, root)).toThrow('my-corpus: its features are precomputed — use mine()');
  });
});
