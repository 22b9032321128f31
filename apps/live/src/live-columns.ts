import { ANALYSIS_COLUMNS, EXPRESSION_CLASSES } from '@mer/feature-extractors';

/** `mer analyze`'s per-frame CSV columns, which the live page's rows and its CSV export use too. */
export const LIVE_COLUMNS = ANALYSIS_COLUMNS;
export type LiveColumn = (typeof LIVE_COLUMNS)[number];

/** One row: a number per column, '' where `mer analyze` leaves the cell empty (no face). */
export type LiveRow = Record<LiveColumn, number | string>;

/** Decimals per column, as `mer analyze` writes them. */
const DECIMALS: Partial<Record<LiveColumn, number>> = {
  timestamp: 4,
  face_x: 1,
  face_y: 1,
  face_w: 1,
  face_h: 1,
  face_score: 3,
  ...Object.fromEntries(EXPRESSION_CLASSES.map((c) => [c, 4])),
  valence: 4,
  arousal: 4,
  speech_prob: 3,
  loudness: 3,
  f0_hz: 1,
};

/** The rows as `mer analyze`'s CSV: its header line, then one line per row with its decimals. */
export function rowsToCsv(rows: readonly LiveRow[]): string {
  const cell = (c: LiveColumn, v: number | string) => (typeof v === 'number' && DECIMALS[c] !== undefined ? v.toFixed(DECIMALS[c]) : String(v));
  return `${LIVE_COLUMNS.join(',')}\n${rows.map((r) => LIVE_COLUMNS.map((c) => cell(c, r[c])).join(',')).join('\n')}${rows.length ? '\n' : ''}`;
}
