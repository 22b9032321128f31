import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXPRESSION_CLASSES } from './expression-classifier';
import { expressionVa, readVaTable, RUSSELL_MEHRABIAN_1977 } from './expression-va';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-va-'));

describe('valence/arousal from expression probabilities through a category table', () => {
  it('is the probability-weighted mean of the classes’ places (Russell & Mehrabian 1977 by default)', () => {
    const onlyHappy = EXPRESSION_CLASSES.map((c) => (c === 'happy' ? 1 : 0));
    expect(expressionVa(onlyHappy, EXPRESSION_CLASSES, RUSSELL_MEHRABIAN_1977)).toEqual([0.81, 0.51]);
    const p = [0.1, 0, 0, 0.5, 0.2, 0, 0.2]; // angry, disgust, fear, happy, sad, surprise, neutral
    const [v, a] = expressionVa(p, EXPRESSION_CLASSES, RUSSELL_MEHRABIAN_1977);
    expect(v).toBeCloseTo(0.1 * -0.51 + 0.5 * 0.81 + 0.2 * -0.63, 10);
    expect(a).toBeCloseTo(0.1 * 0.59 + 0.5 * 0.51 + 0.2 * -0.27, 10);
  });

  it("reads a user's table (JSON or CSV) and names what is wrong with a bad one", () => {
    const json = path.join(dir, 't.json');
    fs.writeFileSync(json, JSON.stringify({ source: 'my lab', values: Object.fromEntries(EXPRESSION_CLASSES.map((c, i) => [c, [i / 10, -i / 10]])) }));
    const t = readVaTable(json, EXPRESSION_CLASSES);
    expect(t.source).toBe('my lab');
    expect(t.values.neutral).toEqual([0.6, -0.6]);
    const csv = path.join(dir, 't.csv');
    fs.writeFileSync(csv, `class,valence,arousal\n${EXPRESSION_CLASSES.map((c) => `${c},0.5,0.25`).join('\n')}\n`);
    expect(readVaTable(csv, EXPRESSION_CLASSES).values.fear).toEqual([0.5, 0.25]);
    fs.writeFileSync(csv, 'class,valence,arousal\nangry,-0.5,0.5\n');
    expect(() => readVaTable(csv, EXPRESSION_CLASSES)).toThrow(/t\.csv: no valence\/arousal for disgust, fear/);
    fs.writeFileSync(json, JSON.stringify(Object.fromEntries(EXPRESSION_CLASSES.map((c) => [c, [2, 0]]))));
    expect(() => readVaTable(json, EXPRESSION_CLASSES)).toThrow(/t\.json: angry must be two numbers in \[−1, 1\]/);
    expect(() => readVaTable(path.join(dir, 'nope.json'), EXPRESSION_CLASSES)).toThrow(/nope\.json: valence\/arousal table not found/);
  });
});
