import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrainingConfig } from '@mer/training';

/** What `mer train` writes into a run folder; `--overwrite` removes exactly these. */
const RUN_ENTRIES = ['pipeline.json', 'metrics.jsonl', 'checkpoint', 'best', 'source.json', 'stages'];

/** True when `out` holds a checkpoint to resume: its own, or (a staged run) one of its stages'. */
export function holdsCheckpoint(out: string): boolean {
  if (fs.existsSync(path.join(out, 'checkpoint', 'state.json'))) return true;
  const stages = path.join(out, 'stages');
  return fs.existsSync(stages) && fs.readdirSync(stages).some((s) => fs.existsSync(path.join(stages, s, 'checkpoint', 'state.json')));
}

/** True when `dir` holds a run (or the start of one) that a new training would replace. */
export function holdsRun(dir: string): boolean {
  return RUN_ENTRIES.some((e) => fs.existsSync(path.join(dir, e)));
}

/**
 * Before a new training writes into `out`: refused when a run is there, unless `resume` (continue it)
 * or `overwrite` (its run files are removed first; nothing else in the folder is touched).
 */
export function prepareRunFolder(out: string, how: { resume?: boolean; overwrite?: boolean }): void {
  if (how.resume && how.overwrite) throw new Error('--resume and --overwrite exclude each other');
  if (how.resume) {
    if (!fs.existsSync(path.join(out, 'pipeline.json'))) throw new Error(`${out}: nothing to resume (no pipeline.json); start the run without --resume`);
    return;
  }
  if (!holdsRun(out)) return;
  if (!how.overwrite) throw new Error(`${out} already holds a run (${RUN_ENTRIES.filter((e) => fs.existsSync(path.join(out, e))).join(', ')}); continue it with --resume, replace it with --overwrite, or use another --out`);
  removeRunFiles(out);
}

/** Removes a run's files (a training that failed before its first checkpoint leaves nothing behind). */
export function removeRunFiles(out: string): void {
  for (const e of RUN_ENTRIES) fs.rmSync(path.join(out, e), { recursive: true, force: true });
}

/** What a resumed run was started with, beside what the resuming command asks for. */
export interface ResumeRequest {
  preset?: string;
  profile?: string;
  training?: Partial<TrainingConfig>;
  model?: Record<string, unknown>;
}

/**
 * The setup a resumed run continues with: its own, plus the one change a resume can honour — more
 * epochs than it was started with (said in a note). Any other difference (preset, profile, a training
 * or model key) is refused, naming it, rather than silently dropped.
 */
export function resumedSetup(out: string, started: { preset: string; training: TrainingConfig; model?: Record<string, unknown> }, asked: ResumeRequest, epochsDone: number): { training: TrainingConfig; notes: string[] } {
  const notes: string[] = [];
  const refuse = (what: string) => {
    throw new Error(`${out}: --resume continues the run as it was started; ${what}. Start a new run (another --out, or --overwrite) to change it`);
  };
  if (asked.preset !== undefined && asked.preset !== started.preset) refuse(`it has preset '${started.preset}', not '${asked.preset}'`);
  if (asked.profile !== undefined) refuse(`--profile cannot change on resume (the run keeps its training setup)`);
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const [k, v] of Object.entries(asked.training ?? {})) {
    if (k === 'epochs' || same(v, started.training[k as keyof TrainingConfig])) continue;
    refuse(`${k} was ${JSON.stringify(started.training[k as keyof TrainingConfig])}, not ${JSON.stringify(v)}`);
  }
  for (const [k, v] of Object.entries(asked.model ?? {})) {
    if (!same(v, started.model?.[k])) refuse(`model.${k} was ${JSON.stringify(started.model?.[k])}, not ${JSON.stringify(v)}`);
  }
  const training = { ...started.training };
  const epochs = asked.training?.epochs;
  if (epochs !== undefined && epochs !== started.training.epochs) {
    if (epochs < epochsDone) refuse(`it has already run ${epochsDone} epochs, more than the ${epochs} asked for`);
    notes.push(`resuming with ${epochs} epochs (the run was started with ${started.training.epochs})`);
    training.epochs = epochs;
  }
  return { training, notes };
}

/** Removes a features folder's mer content (items.json and every store with a manifest) for `mer extract --overwrite`. */
export function clearFeatureFolder(dir: string): void {
  if (!fs.existsSync(dir)) return;
  fs.rmSync(path.join(dir, 'items.json'), { force: true });
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory() && fs.existsSync(path.join(dir, e.name, 'manifest.json'))) fs.rmSync(path.join(dir, e.name), { recursive: true, force: true });
  }
}
