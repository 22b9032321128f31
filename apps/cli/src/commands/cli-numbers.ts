import { InvalidArgumentError } from 'commander';
import { z } from 'zod';

/**
 * A commander parser for a whole-number option in [min, max]: `--epochs 0`, `--workers 3` or
 * `--detect-every x` are refused while the command line is read, before anything is written.
 */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
  const schema = z.coerce.number().int().min(min).max(max);
  return (value: string) => {
    const r = schema.safeParse(value.trim() === '' ? NaN : value);
    if (!r.success) throw new InvalidArgumentError(`expected a whole number ${range}.`);
    return r.data;
  };
}

/** A commander parser for a number > 0 (seconds and the like). */
export function positiveNumber(value: string): number {
  const r = z.coerce.number().finite().positive().safeParse(value.trim() === '' ? NaN : value);
  if (!r.success) throw new InvalidArgumentError('expected a number > 0.');
  return r.data;
}
