import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CREMA_D_BROKEN,
  emoDbSpeakerSplit,
  parseCremaDName,
  parseEmoDbName,
  parseRavdessName,
  RAVDESS_FOLDS,
  ravdessAvtCaSplit,
  ravdessFoldSplit,
  readCremaD,
  readEmoDb,
  readRavdess,
} from './index';

let root: string;
const touch = (rel: string, text = '') => {
  const f = path.join(root, rel);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, text);
  return f;
};
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-corpora-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('RAVDESS', () => {
  it('parses all seven name fields', () => {
    expect(parseRavdessName('Actor_12/02-02-06-02-01-02-12.mp4')).toEqual({
      modality: 'video-only',
      vocalChannel: 'song',
      emotion: 5,
      emotionName: 'fearful',
      intensity: 'strong',
      statement: 1,
      repetition: 2,
      actor: 12,
      sex: 'female',
    });
    expect(parseRavdessName('03-01-01-01-02-01-01.wav')).toMatchObject({ modality: 'audio-only', emotionName: 'neutral', actor: 1, sex: 'male' });
  });

  it('names the bad field', () => {
    expect(() => parseRavdessName('x/01-01-09-01-01-01-01.mp4')).toThrow('x/01-01-09-01-01-01-01.mp4: emotion 09 is not 01–08');
    expect(() => parseRavdessName('01-01-01-02-01-01-01.wav')).toThrow(/neutral has no strong intensity/);
    expect(() => parseRavdessName('01-01-01.wav')).toThrow(/not a RAVDESS name/);
    expect(() => parseRavdessName('01-01-03-01-01-01-25.wav')).toThrow(/actor 25 is not 01–24/);
  });

  it('folds cover all 24 actors once; AVT-CA split is 1–4 test, 5–8 validation, 9–24 train', () => {
    expect(RAVDESS_FOLDS.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect([1, 4, 5, 8, 9, 24].map(ravdessAvtCaSplit)).toEqual(['test', 'test', 'validation', 'validation', 'train', 'train']);
    expect(ravdessFoldSplit(11, 1)).toBe('test');
    expect(ravdessFoldSplit(12, 1)).toBe('train');
    expect(() => ravdessFoldSplit(1, 7)).toThrow(/fold 7 does not exist/);
  });

  it('reads a tree and filters by modality and vocal channel', () => {
    touch('Actor_01/01-01-03-01-01-01-01.mp4');
    touch('Actor_01/02-01-03-01-01-01-01.mp4');
    touch('Actor_02/01-02-04-02-02-02-02.mp4');
    touch('Audio/03-01-05-01-01-01-01.wav');
    touch('Actor_01/notes.txt');
    expect(readRavdess({ root })).toHaveLength(4);
    expect(readRavdess({ root, modality: 'audio-video' }).map((i) => i.id)).toEqual(['01-01-03-01-01-01-01', '01-02-04-02-02-02-02']);
    expect(readRavdess({ root, modality: 'audio-video', vocalChannel: 'speech' })).toHaveLength(1);
    expect(() => readRavdess({ root: path.join(root, 'nope') })).toThrow(/dataset folder not found/);
  });
});

describe('CREMA-D', () => {
  it('parses names and flags the known broken files', () => {
    expect(parseCremaDName('AudioWAV/1001_DFA_ANG_XX.wav')).toEqual({ actor: 1001, sentence: 'DFA', emotion: 0, emotionCode: 'ANG', level: 'XX' });
    expect(() => parseCremaDName('1001_DFA_JOY_XX.wav')).toThrow('1001_DFA_JOY_XX.wav: emotion JOY is not one of ANG DIS FEA HAP NEU SAD');
    expect(CREMA_D_BROKEN.has('1076_MTI_SAD_XX')).toBe(true);
  });

  it('pairs AudioWAV and VideoFlash, attaches summaryTable ratings, checks columns', () => {
    touch('AudioWAV/1001_DFA_ANG_XX.wav');
    touch('AudioWAV/1076_MTI_SAD_XX.wav');
    touch('VideoFlash/1001_DFA_ANG_XX.flv');
    touch(
      'processedResults/summaryTable.csv',
      ',FileName,VoiceVote,VoiceLevel,FaceVote,FaceLevel,MultiModalVote,MultiModalLevel\n1,1001_DFA_ANG_XX,A,60,A,50,A,55\n',
    );
    const items = readCremaD({ root });
    expect(items.map((i) => [i.id, Boolean(i.audioFile), Boolean(i.videoFile), i.broken])).toEqual([
      ['1001_DFA_ANG_XX', true, true, false],
      ['1076_MTI_SAD_XX', true, false, true],
    ]);
    expect(items[0].rating).toEqual({ voiceVote: 'A', voiceLevel: 60, faceVote: 'A', faceLevel: 50, multiModalVote: 'A', multiModalLevel: 55 });
    const csv = touch('processedResults/summaryTable.csv', 'FileName,VoiceVote\n1001_DFA_ANG_XX,A\n');
    expect(() => readCremaD({ root })).toThrow(`${csv}: column "VoiceLevel" missing`);
  });
});

describe('EmoDB', () => {
  it('parses speaker, text, emotion letter and version; splits by speaker', () => {
    expect(parseEmoDbName('03a01Fa.wav')).toEqual({ id: '03a01Fa', speaker: '03', text: 'a01', emotion: 4, emotionName: 'happiness', version: 'a' });
    expect(parseEmoDbName('16b10Wb.wav').emotionName).toBe('anger');
    expect(() => parseEmoDbName('03a01Xa.wav')).toThrow('03a01Xa.wav: emotion letter X is not one of W L E A F T N');
    touch('wav/03a01Fa.wav');
    touch('wav/08b02Tc.wav');
    const items = readEmoDb({ root });
    expect(items.map((i) => emoDbSpeakerSplit(i, '08'))).toEqual(['train', 'test']);
  });
});
