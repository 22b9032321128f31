import { figureKind, innerValidationSplit, selectionLine } from './selection';
import type { PipelineItem } from './pipeline-types';

/** `n` items per speaker and class: ids like `s03-c1-0`. */
function items(speakers: string[] | null, classes: number, perCell: number): PipelineItem[] {
  const out: PipelineItem[] = [];
  for (const s of speakers ?? ['']) {
    for (let c = 0; c < classes; c++) {
      for (let k = 0; k < perCell; k++) out.push({ id: `s${s}-c${c}-${k}`, file: `/x/${s}-${c}-${k}.wav`, classLabel: c, ...(speakers ? { speaker: s } : {}) });
    }
  }
  return out;
}

describe('innerValidationSplit', () => {
  it('holds out whole speakers, about 15 % of the items, disjoint from train, every class on both sides', () => {
    const all = items(['03', '08', '09', '10', '11', '12', '13', '14', '15', '16'], 4, 3); // 120 items, 12 a speaker
    const { train, validation, selection } = innerValidationSplit(all);
    const held = new Set(validation.map((i) => i.speaker));
    expect(selection.on).toBe('inner validation by speaker');
    expect(selection.speakers).toEqual([...held].sort());
    // 15 % of 120 = 18: two speakers (24 items) is the first count at or past it.
    expect(held.size).toBe(2);
    expect(validation).toHaveLength(24);
    expect(selection.items).toBe(24);
    expect(train.some((i) => held.has(i.speaker))).toBe(false);
    expect(train.length + validation.length).toBe(all.length);
    expect(new Set(validation.map((i) => i.classLabel)).size).toBe(4);
    expect(new Set(train.map((i) => i.classLabel)).size).toBe(4);
  });

  it('is deterministic for a seed and independent of the items’ order; another seed can hold out others', () => {
    const all = items(['03', '08', '09', '10', '11', '12', '13', '14'], 2, 2);
    const a = innerValidationSplit(all);
    const b = innerValidationSplit([...all].reverse());
    expect(b.selection.speakers).toEqual(a.selection.speakers);
    expect(b.validation.map((i) => i.id)).toEqual(a.validation.map((i) => i.id));
    const others = new Set([1, 2, 3, 4, 5, 6].map((seed) => innerValidationSplit(all, { seed }).selection.speakers!.join()));
    expect(others.size).toBeGreaterThan(1);
  });

  it('prefers held-out speakers that show every class when some speakers lack one', () => {
    // Speakers 01–06 have classes 0 and 1; only speaker 07 and 08 have class 2.
    const all = [...items(['01', '02', '03', '04', '05', '06'], 2, 2), ...items(['07', '08'], 3, 2)];
    const { validation, train } = innerValidationSplit(all);
    expect(new Set(validation.map((i) => i.classLabel))).toEqual(new Set([0, 1, 2]));
    expect(new Set(train.map((i) => i.classLabel))).toEqual(new Set([0, 1, 2]));
  });

  it('without speakers: 15 % of each class, at least one of any class with two items, never a whole class', () => {
    const all = [...items(null, 3, 20), { id: 'lone', file: '/x/lone.wav', classLabel: 3 }, ...items(null, 1, 2).map((i) => ({ ...i, id: `pair-${i.id}`, classLabel: 4 }))];
    const { train, validation, selection } = innerValidationSplit(all);
    expect(selection.on).toBe('inner validation, stratified by class');
    const count = (xs: PipelineItem[], c: number) => xs.filter((i) => i.classLabel === c).length;
    expect([0, 1, 2, 3, 4].map((c) => count(validation, c))).toEqual([3, 3, 3, 0, 1]);
    expect([0, 1, 2, 3, 4].map((c) => count(train, c))).toEqual([17, 17, 17, 1, 1]);
    expect(new Set([...train, ...validation].map((i) => i.id)).size).toBe(all.length);
  });

  it('without classes or speakers (valence-arousal clips): 15 % at random', () => {
    const all = Array.from({ length: 40 }, (_, k) => ({ id: `v${k}`, file: `/x/v${k}.mp4` }));
    const { train, validation, selection } = innerValidationSplit(all);
    expect(selection).toEqual({ on: 'inner validation, random', items: 6 });
    expect(validation).toHaveLength(6);
    expect(train).toHaveLength(34);
  });

  it('a single speaker is no basis for a speaker split: stratified instead', () => {
    const all = items(['01'], 2, 10);
    expect(innerValidationSplit(all).selection.on).toBe('inner validation, stratified by class');
  });
});

describe('selectionLine and figureKind', () => {
  it('says what selected, on what, with which metric and epoch', () => {
    expect(selectionLine({ on: 'inner validation by speaker', items: 61, speakers: ['03', '10'], metric: 'macro-F1', bestEpoch: 37, epochs: 40 })).toBe(
      'selection: inner validation by speaker (03, 10; 61 items), metric macro-F1, best epoch 37 of 40',
    );
    expect(selectionLine({ on: 'last epoch', items: 0, metric: 'CCC', bestEpoch: 5, epochs: 5 })).toBe('selection: last epoch, kept epoch 5 of 5');
    expect(selectionLine({ on: 'test split', items: 8, metric: 'CCC', optimistic: true })).toMatch(/^selection: test split \(8 items\), metric CCC — OPTIMISTIC/);
  });

  it('calls a test figure held-out unless the test split chose; training and selecting splits never', () => {
    const inner = { on: 'inner validation by speaker' as const, items: 3 };
    expect(figureKind(inner, 'test')).toBe('held-out');
    expect(figureKind(inner, 'train')).toBe('optimistic');
    expect(figureKind({ on: 'validation split', items: 3 }, 'validation')).toBe('optimistic');
    expect(figureKind({ on: 'test split', items: 3, optimistic: true }, 'test')).toBe('optimistic');
    expect(figureKind(undefined, 'test')).toBe('unknown');
  });
});
