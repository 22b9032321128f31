import { groupNotes, noteLines } from './note-summary';

describe('per-item notes, grouped', () => {
  const notes: Record<string, string[]> = {};
  for (let i = 0; i < 421; i++) notes[`item${i}`] = ['no video stream: video features masked'];
  notes['item7'].push('variable frame rate: 3/60 frames are off the 30 fps grid');
  notes['item9'] = ['variable frame rate: 5/61 frames are off the 30 fps grid'];
  notes['odd'] = ['audio: 2 streams, the first is used'];

  it('one line per kind of note with its count and three examples; a lone note keeps its item', () => {
    expect(noteLines(notes)).toEqual([
      'no video stream: video features masked — 420 items (item0, item1, item2, …)',
      'variable frame rate: 3/60 frames are off the 30 fps grid (numbers vary by item) — 2 items (item7, item9)',
      'odd: audio: 2 streams, the first is used',
    ]);
  });

  it('keeps every item of a group, in order', () => {
    const groups = groupNotes(notes);
    expect(groups.map((g) => g.items.length)).toEqual([420, 2, 1]);
    expect(groups[0].items.slice(0, 3)).toEqual(['item0', 'item1', 'item2']);
  });
});
