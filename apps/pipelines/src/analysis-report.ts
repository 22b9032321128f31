import { EXPRESSION_CLASSES } from '@mer/feature-extractors';
import { circumplexSvg, classTimelineSvg, htmlReport, vaTimelineSvg, VaPoint } from './plots';

/** How many faces get their own plots in a report (the ones on most frames). */
const PLOTTED_FACES = 4;

interface FacePoints {
  rows: number;
  times: number[];
  probabilities: (number[] | null)[];
  va: VaPoint[];
  sums: Float64Array;
  vaSum: [number, number];
}

/**
 * What the report and summary of one analysed file need, gathered as rows stream past: per face id,
 * the row count, sums for the means, and every `keepEvery`-th frame's point for the plots (so memory
 * stays bounded by the plot size, not the video length).
 */
export class AnalysisSummary {
  private readonly faces = new Map<number, FacePoints>();
  frames = 0;
  faceFrames = 0;
  speechFrames = 0;

  constructor(private readonly keepEvery: number) {}

  /** One frame: its faces' rows (id, probabilities, valence/arousal) — none when no face. */
  addFrame(frame: number, time: number, speech: number, faces: { id: number; probabilities: number[]; va: [number, number] }[]): void {
    this.frames++;
    if (faces.length > 0) this.faceFrames++;
    if (speech > 0.5) this.speechFrames++;
    const keep = frame % this.keepEvery === 0;
    for (const f of faces) {
      let p = this.faces.get(f.id);
      if (!p) this.faces.set(f.id, (p = { rows: 0, times: [], probabilities: [], va: [], sums: new Float64Array(EXPRESSION_CLASSES.length), vaSum: [0, 0] }));
      p.rows++;
      f.probabilities.forEach((v, c) => (p!.sums[c] += v));
      p.vaSum[0] += f.va[0];
      p.vaSum[1] += f.va[1];
      if (keep) {
        p.times.push(time);
        p.probabilities.push(f.probabilities);
        p.va.push({ time, valence: f.va[0], arousal: f.va[1] });
      }
    }
    if (!keep) return;
    // A face not on this frame: a gap in its expression curve.
    for (const [id, p] of this.faces) {
      if (faces.some((f) => f.id === id)) continue;
      p.times.push(time);
      p.probabilities.push(null);
    }
  }

  /** Face ids, most rows first. */
  ids(): number[] {
    return [...this.faces.entries()].sort((a, b) => b[1].rows - a[1].rows).map(([id]) => id);
  }

  /** Mean class probabilities and valence/arousal over all face rows (every face). */
  means(): { probabilities: number[]; valence: number; arousal: number; rows: number } {
    const sums = new Float64Array(EXPRESSION_CLASSES.length);
    let rows = 0;
    let v = 0;
    let a = 0;
    for (const p of this.faces.values()) {
      p.sums.forEach((s, c) => (sums[c] += s));
      rows += p.rows;
      v += p.vaSum[0];
      a += p.vaSum[1];
    }
    return { probabilities: Array.from(sums, (s) => (rows ? s / rows : 0)), valence: rows ? v / rows : 0, arousal: rows ? a / rows : 0, rows };
  }

  /** The self-contained HTML report: summary text and table, then per face (most seen first) the expression timeline, the VA timeline and the circumplex trail. */
  html(title: string, stem: string, text: string[]): string {
    const m = this.means();
    const table = [['expression', 'mean probability'], ...EXPRESSION_CLASSES.map((c, i) => [c, m.probabilities[i].toFixed(3)]), ['valence (expression-derived)', m.valence.toFixed(3)], ['arousal (expression-derived)', m.arousal.toFixed(3)]];
    const ids = this.ids();
    const faces = ids.slice(0, PLOTTED_FACES).map((id) => {
      const p = this.faces.get(id)!;
      const who = ids.length > 1 ? ` face ${id}` : '';
      return {
        heading: ids.length > 1 ? `face ${id} (${p.rows} frames)` : 'over time',
        svgs: [classTimelineSvg(p.times, EXPRESSION_CLASSES, p.probabilities, `${stem}${who}: expression probabilities`), vaTimelineSvg(p.va, { title: `${stem}${who}: valence / arousal (expression-derived)` }), circumplexSvg(p.va, { title: `${stem}${who}: circumplex trail` })],
      };
    });
    const more = ids.length > PLOTTED_FACES ? [`${ids.length - PLOTTED_FACES} more faces are in the CSV, not plotted`] : [];
    return htmlReport(title, [{ heading: 'summary', text: [...text, ...more], table }, ...faces]);
  }
}
