import * as path from 'node:path';
import { EXPRESSION_CLASSES, readVaTable } from '@mer/feature-extractors';
import { analyze, FaceSelection } from '@mer/pipelines';
import { Progress } from './progress';

const FACES = ['largest', 'main', 'left', 'right', 'all'] as const;
const CROPS = ['eyes', 'reference'] as const;

export async function analyzeCommand(inputs: string[], opts: { out: string; recursive?: boolean; face?: string; faces?: string; detectEvery?: number; crop?: string; vaTable?: string; workers?: number; overwrite?: boolean; quiet?: boolean; json?: boolean }): Promise<void> {
  if (inputs.length === 0) throw new Error('give at least one video file, folder or glob');
  opts = { ...opts, face: opts.faces ?? opts.face };
  if (opts.face !== undefined && !(FACES as readonly string[]).includes(opts.face)) throw new Error(`--face must be one of ${FACES.join(', ')}, got '${opts.face}'`);
  if (opts.crop !== undefined && !(CROPS as readonly string[]).includes(opts.crop)) throw new Error(`--crop must be one of ${CROPS.join(', ')}, got '${opts.crop}'`);
  const vaTable = opts.vaTable ? readVaTable(opts.vaTable, EXPRESSION_CLASSES) : undefined;
  let done = 0;
  const bar = new Progress('analyze', inputs.length, { silent: opts.json || opts.quiet });
  const r = await analyze(inputs, {
    out: opts.out,
    recursive: opts.recursive,
    face: opts.face as FaceSelection | 'all' | undefined,
    crop: opts.crop as (typeof CROPS)[number] | undefined,
    vaTable,
    workers: opts.workers ?? 1,
    detectEvery: opts.detectEvery,
    overwrite: opts.overwrite,
    onStart: (files) => bar.setTotal(files.length),
    onSkip: (f) => {
      bar.tick(++done, `${path.basename(f.file)} (done before)`);
      if (opts.json) console.log(JSON.stringify({ ...f, skipped: true }));
    },
    onFile: (f) => {
      bar.tick(++done, path.basename(f.file));
      if (opts.json) console.log(JSON.stringify(f));
      else if (!opts.quiet) bar.print(`${f.file}: ${f.frames} frames, a face in ${f.faceFrames}${f.faces > 1 ? ` (${f.faces} faces)` : ''}, mostly ${f.dominantExpression ?? '—'}, valence ${f.meanValence.toFixed(2)}, arousal ${f.meanArousal.toFixed(2)}, speech in ${(100 * f.speechFraction).toFixed(0)} % → ${f.csv}, ${f.report}${f.notes.length ? `\n  ${f.notes.join('; ')}` : ''}`);
    },
    onError: (file, error) => {
      bar.tick(++done, path.basename(file));
      if (opts.json) console.log(JSON.stringify({ file, error }));
      console.error(`mer: ${error.startsWith(file) ? error : `${file}: ${error}`}`);
    },
  });
  bar.stop();
  if (!opts.json) {
    const before = r.skipped.length ? `, ${r.skipped.length} already done (skipped; --overwrite analyses them again)` : '';
    console.log(`${r.files.length} analysed${before}, ${r.failed.length} failed; summary: ${r.summary}`);
  }
  // Exit status 1 when any file failed (the others are analysed and in the summary).
  if (r.failed.length > 0) process.exitCode = 1;
}
