import * as fs from 'node:fs';
import * as path from 'node:path';
import { configHash } from '@mer/datasets';
import { writeFileAtomic } from '@mer/media';

/**
 * What a finished file of `mer analyze` leaves in `<out>/.mer-analyze/<stem>.json` so that a rerun
 * into the same folder skips it: the source's path, size and modification time and the options that
 * shape its rows. A changed source or option, or a missing CSV or report, means it is analysed again.
 * Written after the CSV and the report, atomically: a file killed half-way has no record.
 */
export interface FinishedRecord<R> {
  key: string;
  result: R;
}

const FOLDER = '.mer-analyze';

/** The identity of one file's analysis: its source (path, size, mtime) and the options that shape its rows. */
export function analysisKey(file: string, options: Record<string, unknown>): string {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  return configHash({ file: path.resolve(file), size: st?.size ?? -1, mtimeMs: st?.mtimeMs ?? -1, ...options });
}

function recordPath(out: string, stem: string): string {
  return path.join(out, FOLDER, `${stem}.json`);
}

/** The earlier result for this stem when its key matches and every output it names still exists. */
export function readFinished<R>(out: string, stem: string, key: string, outputs: readonly string[]): R | null {
  const p = recordPath(out, stem);
  if (!fs.existsSync(p)) return null;
  try {
    const rec = JSON.parse(fs.readFileSync(p, 'utf8')) as FinishedRecord<R>;
    if (rec.key !== key || !outputs.every((f) => fs.existsSync(f))) return null;
    return rec.result;
  } catch {
    return null; // unreadable: analysed again
  }
}

export function recordFinished<R>(out: string, stem: string, key: string, result: R): void {
  fs.mkdirSync(path.join(out, FOLDER), { recursive: true });
  writeFileAtomic(recordPath(out, stem), JSON.stringify({ key, result } satisfies FinishedRecord<R>));
}

export function forgetFinished(out: string, stem: string): void {
  fs.rmSync(recordPath(out, stem), { force: true });
}
