import * as fs from 'node:fs';

/** Where each expression class sits on the valence–arousal plane, with where the numbers come from. */
export interface CategoryVaTable {
  /** Per class: [valence, arousal], each in [−1, 1]. */
  values: Record<string, readonly [number, number]>;
  /** The citation (shown in reports). */
  source: string;
}

/**
 * Russell, J. A. & Mehrabian, A. (1977). Evidence for a three-factor theory of emotions. Journal of
 * Research in Personality, 11(3), 273–294: the pleasure and arousal means of the emotion terms angry,
 * disgusted, afraid, happy, sad and surprised (on −1…1). Neutral is the origin of the plane, not a
 * term in the table. The numbers are measured facts from the article (no licence attaches to them);
 * they are entered here as widely reproduced in emotion-modelling code and were not re-read from the
 * article itself. Supply another table with `--va-table` (see {@link readVaTable}).
 */
export const RUSSELL_MEHRABIAN_1977: CategoryVaTable = {
  values: {
    angry: [-0.51, 0.59],
    disgust: [-0.6, 0.35],
    fear: [-0.64, 0.6],
    happy: [0.81, 0.51],
    sad: [-0.63, -0.27],
    surprise: [0.4, 0.67],
    neutral: [0, 0],
  },
  source: 'Russell & Mehrabian (1977), J. Research in Personality 11:273–294 (pleasure, arousal of the emotion terms); neutral = origin',
};

/**
 * Valence and arousal implied by class probabilities: the probability-weighted mean of the classes'
 * places in the table. Expression-derived, not a trained valence/arousal model.
 * @param probabilities [C] in the order of `classes`
 */
export function expressionVa(probabilities: ArrayLike<number>, classes: readonly string[], table: CategoryVaTable): [number, number] {
  let v = 0;
  let a = 0;
  let total = 0;
  classes.forEach((c, i) => {
    const p = probabilities[i];
    v += p * table.values[c][0];
    a += p * table.values[c][1];
    total += p;
  });
  return total > 0 ? [v / total, a / total] : [0, 0];
}

/**
 * A user's table: JSON `{ "angry": [v, a], … }` (optionally `{ "source": "…", "values": { … } }`) or CSV
 * `class,valence,arousal` with a header. Every class must be there, with finite values in [−1, 1].
 */
export function readVaTable(file: string, classes: readonly string[]): CategoryVaTable {
  if (!fs.existsSync(file)) throw new Error(`${file}: valence/arousal table not found`);
  const text = fs.readFileSync(file, 'utf8');
  let values: Record<string, [number, number]> = {};
  let source = file;
  if (/^\s*[{[]/.test(text)) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
    }
    const o = json as { values?: Record<string, [number, number]>; source?: string };
    values = (o.values ?? json) as Record<string, [number, number]>;
    if (typeof o.source === 'string') source = o.source;
  } else {
    const lines = text.trim().split(/\r?\n/);
    const head = lines[0].split(',').map((h) => h.trim().toLowerCase());
    const [ci, vi, ai] = ['class', 'valence', 'arousal'].map((h) => head.indexOf(h));
    if (ci < 0 || vi < 0 || ai < 0) throw new Error(`${file}: a CSV table needs the columns class,valence,arousal (found ${head.join(',')})`);
    for (const line of lines.slice(1)) {
      const cells = line.split(',').map((c) => c.trim());
      values[cells[ci]] = [Number(cells[vi]), Number(cells[ai])];
    }
  }
  const missing = classes.filter((c) => !values[c]);
  if (missing.length > 0) throw new Error(`${file}: no valence/arousal for ${missing.join(', ')} (the table needs ${classes.join(', ')})`);
  for (const c of classes) {
    const [v, a] = values[c];
    if (![v, a].every((x) => typeof x === 'number' && Number.isFinite(x) && Math.abs(x) <= 1)) throw new Error(`${file}: ${c} must be two numbers in [−1, 1], got ${JSON.stringify(values[c])}`);
  }
  return { values: Object.fromEntries(classes.map((c) => [c, values[c]])), source };
}
