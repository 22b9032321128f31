import * as path from 'node:path';
import { writeFileAtomic } from '@mer/media';

/**
 * Per-item notes, grouped: items with the same note (numbers aside: "variable frame rate: 3/60
 * frames…" and "…: 5/61 frames…" are one kind) become one line with a count and three examples, so a
 * dataset of 421 audio-only files prints one "no video stream" line, not 421.
 */
export interface NoteGroup {
  /** The note as the first item had it. */
  note: string;
  /** Every item with a note of this kind, in order. */
  items: string[];
}

const kindOf = (note: string) => note.replace(/-?\d+(\.\d+)?/g, '#');

export function groupNotes(notes: Record<string, readonly string[]>): NoteGroup[] {
  const groups = new Map<string, NoteGroup>();
  for (const [id, list] of Object.entries(notes)) {
    for (const note of list) {
      const k = kindOf(note);
      const g = groups.get(k);
      if (g) g.items.push(id);
      else groups.set(k, { note, items: [id] });
    }
  }
  return [...groups.values()];
}

/** One line per group: the item and its note when alone, else the note, the count and three examples. */
export function noteLines(notes: Record<string, readonly string[]>, examples = 3): string[] {
  return groupNotes(notes).map((g) => {
    if (g.items.length === 1) return `${g.items[0]}: ${g.note}`;
    const exact = new Set(g.items.flatMap((id) => (notes[id] ?? []).filter((n) => kindOf(n) === kindOf(g.note))));
    const shown = g.items.slice(0, examples).join(', ') + (g.items.length > examples ? ', …' : '');
    return `${g.note}${exact.size > 1 ? ' (numbers vary by item)' : ''} — ${g.items.length} items (${shown})`;
  });
}

/** Writes every item's notes (and failures) to `<dir>/extract-report.json`, atomically; returns its path. */
export function writeNoteReport(dir: string, report: { notes: Record<string, readonly string[]>; failed?: readonly unknown[]; datasetNotes?: readonly string[] }): string {
  const file = path.join(dir, 'extract-report.json');
  writeFileAtomic(file, JSON.stringify({ notes: report.notes, failed: report.failed ?? [], datasetNotes: report.datasetNotes ?? [] }, null, 2));
  return file;
}
