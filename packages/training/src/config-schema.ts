import { z } from 'zod';
import { DEFAULT_FEATURE_MASKING, type TrainingConfig } from './training-config';

const positive = z.number({ error: 'a number > 0' }).finite().positive({ error: 'a number > 0' });
const count = (what: string) => z.number({ error: `a whole number ≥ 1 (${what})` }).int({ error: `a whole number ≥ 1 (${what})` }).min(1, { error: `a whole number ≥ 1 (${what})` });

const whole = (what: string) => z.number({ error: `a whole number ≥ 0 (${what})` }).int({ error: `a whole number ≥ 0 (${what})` }).min(0, { error: `a whole number ≥ 0 (${what})` });
const speedFactor = z
  .number({ error: 'a speed factor in [0.5, 2] with at most two decimals' })
  .min(0.5, { error: 'a speed factor in [0.5, 2] with at most two decimals' })
  .max(2, { error: 'a speed factor in [0.5, 2] with at most two decimals' })
  .refine((f) => Math.abs(f * 100 - Math.round(f * 100)) < 1e-9, { error: 'a speed factor in [0.5, 2] with at most two decimals' });
/** `{}` takes every default of `DEFAULT_FEATURE_MASKING`. */
const featureMasking = z.strictObject(
  {
    timeMasks: whole('time masks').default(DEFAULT_FEATURE_MASKING.timeMasks),
    maxTimeWidth: whole('frames').default(DEFAULT_FEATURE_MASKING.maxTimeWidth),
    featureMasks: whole('feature masks').default(DEFAULT_FEATURE_MASKING.featureMasks),
    maxFeatureWidth: whole('dimensions').default(DEFAULT_FEATURE_MASKING.maxFeatureWidth),
    fill: z.union([z.literal('mean'), z.number().finite()], { error: "'mean' or a number" }).default(DEFAULT_FEATURE_MASKING.fill),
  },
  { error: '{ timeMasks, maxTimeWidth, featureMasks, maxFeatureWidth, fill } (each optional), or null' },
);
const copyPaste = z.strictObject(
  {
    neutralClass: z.string({ error: "the neutral class's name" }).min(1, { error: "the neutral class's name" }),
    probability: z.number({ error: 'a number in (0, 1]' }).gt(0, { error: 'a number in (0, 1]' }).max(1, { error: 'a number in (0, 1]' }).default(1),
  },
  { error: "{ neutralClass, probability } (e.g. { neutralClass: 'neutral' }), or null" },
);

/**
 * Every field of a `TrainingConfig` override (a `--config` file's training keys, `FitOptions.training`),
 * strict: an unknown key is an error, as is a wrong type or range.
 */
export const trainingOverridesSchema = z
  .strictObject({
    optimizer: z.enum(['adamw', 'adam', 'sgd'], { error: "one of 'adamw', 'adam', 'sgd'" }),
    learningRate: positive,
    weightDecay: z.number({ error: 'a number ≥ 0' }).finite().min(0, { error: 'a number ≥ 0' }),
    momentum: z.number({ error: 'a number in [0, 1)' }).min(0, { error: 'a number in [0, 1)' }).lt(1, { error: 'a number in [0, 1)' }),
    batchSize: count('items per batch'),
    epochs: count('epochs'),
    loss: z.enum(['mse', 'ccc', 'cross-entropy'], { error: "one of 'mse', 'ccc', 'cross-entropy'" }),
    scheduler: z.discriminatedUnion(
      'kind',
      [
        z.strictObject({ kind: z.literal('none') }),
        z.strictObject({ kind: z.literal('plateau'), factor: z.number().gt(0).lt(1, { error: 'a number in (0, 1)' }), patience: count('epochs') }),
        z.strictObject({ kind: z.literal('step'), stepSize: count('epochs'), gamma: positive }),
      ],
      { error: "{ kind: 'none' } | { kind: 'plateau', factor, patience } | { kind: 'step', stepSize, gamma }" },
    ),
    earlyStoppingPatience: count('epochs').nullable(),
    window: z.strictObject({ size: count('frames'), hop: count('frames') }, { error: '{ size, hop } in frames, or null' }).nullable(),
    modalityDropout: z.boolean({ error: 'true or false' }),
    classBalance: z.boolean({ error: 'true or false' }),
    mixup: z.number({ error: 'a number ≥ 0 (the Beta(α, α) α; 0: off)' }).finite().min(0, { error: 'a number ≥ 0 (the Beta(α, α) α; 0: off)' }),
    standardise: z.enum(['split', 'speaker'], { error: "'split' or 'speaker'" }),
    mixupWithinSpeaker: z.boolean({ error: 'true or false' }),
    speedPerturbation: z.array(speedFactor, { error: 'an array of speed factors, e.g. [0.9, 1.0, 1.1]' }),
    featureMasking: featureMasking.nullable(),
    copyPaste: copyPaste.nullable(),
    seed: z.number({ error: 'a whole number' }).int({ error: 'a whole number' }),
  })
  .partial();

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}

/** The valid key nearest to `key` (case-insensitive edit distance), when it is near enough to be a slip. */
export function nearestKey(key: string, valid: readonly string[]): string | undefined {
  let best: { k: string; d: number } | undefined;
  for (const k of valid) {
    const d = distance(key.toLowerCase(), k.toLowerCase());
    if (!best || d < best.d) best = { k, d };
  }
  return best && best.d <= Math.max(2, Math.floor(key.length / 3)) ? best.k : undefined;
}

/** Keys one level down a zod object, for suggestions at an issue's path. */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  // Optional, nullable and defaulted fields (nested in any order) wrap the object whose keys count.
  const unwrap = (t: z.ZodType | undefined): z.ZodType | undefined => {
    while (t instanceof z.ZodOptional || t instanceof z.ZodNullable || t instanceof z.ZodDefault) t = t.unwrap() as z.ZodType;
    return t;
  };
  let s: z.ZodType | undefined = schema;
  for (const p of path) {
    const inner = unwrap(s);
    s = inner instanceof z.ZodObject ? (inner.shape as Record<string, z.ZodType>)[String(p)] : undefined;
  }
  const inner = unwrap(s);
  return inner instanceof z.ZodObject ? Object.keys(inner.shape) : [];
}

/** One line per problem: `learningrate: unknown key — did you mean 'learningRate'?`, `epochs: expected a whole number ≥ 1 (epochs), got 0`. */
export function describeIssues(schema: z.ZodType, value: unknown, issues: readonly z.core.$ZodIssue[]): string[] {
  const at = (path: readonly PropertyKey[]) => path.map(String).join('.');
  const got = (path: readonly PropertyKey[]) => {
    let v: unknown = value;
    for (const p of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[String(p)] : undefined;
    return JSON.stringify(v);
  };
  return issues.flatMap((i) => {
    if (i.code === 'unrecognized_keys') {
      const valid = keysAt(schema, i.path);
      return i.keys.map((k) => {
        const near = nearestKey(k, valid);
        return `${at([...i.path, k])}: unknown key${near ? ` — did you mean '${near}'?` : ` (valid: ${valid.join(', ')})`}`;
      });
    }
    const expected = i.message.startsWith('Invalid input') || i.message.startsWith('Too ') ? i.message : `expected ${i.message}`;
    return [`${at(i.path) || '(top level)'}: ${expected}, got ${got(i.path)}`];
  });
}

/** Validates training overrides; the error names `source` and every bad key. */
export function parseTrainingOverrides(value: unknown, source: string): Partial<TrainingConfig> {
  const r = trainingOverridesSchema.safeParse(value);
  if (r.success) return r.data as Partial<TrainingConfig>;
  throw new Error(`${source}:\n  ${describeIssues(trainingOverridesSchema, value, r.error.issues).join('\n  ')}`);
}

/**
 * A strict schema for overrides of a network preset's config, derived from the preset's own values:
 * each key takes the type its default has (numbers finite; nested objects strict in turn; arrays of
 * any length; a null default takes any value).
 */
export function overridesSchemaFor(defaults: Record<string, unknown>): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const [k, v] of Object.entries(defaults)) shape[k] = fieldSchema(v).optional();
  return z.strictObject(shape);
}

function fieldSchema(v: unknown): z.ZodType {
  if (typeof v === 'number') return z.number({ error: 'a number' }).finite();
  if (typeof v === 'string') return z.string({ error: 'a string' });
  if (typeof v === 'boolean') return z.boolean({ error: 'true or false' });
  if (Array.isArray(v)) return z.array(v.length > 0 ? fieldSchema(v[0]) : z.unknown(), { error: 'an array' });
  if (v && typeof v === 'object') return overridesSchemaFor(v as Record<string, unknown>);
  return z.unknown();
}

/** Validates model overrides against a preset's config; the error names `source` and every bad key. */
export function parseModelOverrides(value: unknown, defaults: Record<string, unknown>, source: string): Record<string, unknown> {
  const schema = overridesSchemaFor(defaults);
  const r = schema.safeParse(value);
  if (r.success) return r.data as Record<string, unknown>;
  throw new Error(`${source}:\n  ${describeIssues(schema, value, r.error.issues).join('\n  ')}`);
}
