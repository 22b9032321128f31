import { foldSplits, parseFoldScheme, speakerFolds } from './index';

describe('speaker folds', () => {
  it('LOSO: one fold per speaker, each held out once; the next speaker validates', () => {
    const folds = speakerFolds(['08', '03', '10', '03', '11'], 'loso');
    expect(folds).toEqual([['03'], ['08'], ['10'], ['11']]);
    const split = foldSplits(folds, 3);
    expect(Object.fromEntries(split)).toEqual({ '03': 'validation', '08': 'train', '10': 'train', '11': 'test' });
    // A committee's second and third members validate on the next training speakers in turn.
    expect(Object.fromEntries(foldSplits(folds, 3, 1))).toEqual({ '03': 'train', '08': 'validation', '10': 'train', '11': 'test' });
    expect(Object.fromEntries(foldSplits(folds, 3, 2))).toEqual({ '03': 'train', '08': 'train', '10': 'validation', '11': 'test' });
    expect(() => foldSplits(folds, 3, 3)).toThrow('member 4 needs 5 folds');
  });

  it("RAVDESS' six actor folds, and k round-robin groups", () => {
    const actors = Array.from({ length: 24 }, (_, i) => String(i + 1).padStart(2, '0'));
    const six = speakerFolds(actors, 'ravdess6');
    expect(six[0]).toEqual(['01', '11', '20', '21']);
    expect(six.flat().sort()).toEqual(actors);
    expect(speakerFolds(['a', 'b', 'c', 'd', 'e'], 2)).toEqual([['a', 'c', 'e'], ['b', 'd']]);
    // Two folds: no third group to validate on — the fold trains on the other one alone.
    expect([...foldSplits([['a'], ['b']], 0).values()]).toEqual(['test', 'train']);
  });

  it('refuses what cannot be folded, saying why', () => {
    expect(() => speakerFolds(['03'], 'loso')).toThrow('at least 2 speakers, found 1 (03)');
    expect(() => speakerFolds(['1', '2'], 3)).toThrow('3 folds but only 2 speakers');
    expect(() => speakerFolds(['1001', '1002'], 'ravdess6')).toThrow('not RAVDESS actors');
    expect(() => parseFoldScheme('one')).toThrow("--folds 'one'");
    expect(parseFoldScheme('5')).toBe(5);
  });
});
