import { listExtractors } from '@mer/feature-extractors';
import { modulesFromEnv } from './module-exports';

/** `mer extractors`: every registered extractor — kind, modality, the timings it runs on, its width, what it computes. */
export function extractorsCommand(opts: { json?: boolean }): void {
  const rows = listExtractors().map((d) => ({ kind: d.kind, modality: d.modality, timings: [...d.timings], width: d.width, about: d.about }));
  if (opts.json) {
    console.log(JSON.stringify(rows));
    return;
  }
  for (const r of rows) {
    console.log(`${r.kind}  (${r.modality}; ${r.timings.join(', ')}-timed; width ${r.width})`);
    console.log(`  ${r.about}`);
  }
}

/** Extractor modules named by `MER_EXTRACTORS` (comma-separated). */
export function extractorModulesFromEnv(): string[] {
  return modulesFromEnv('MER_EXTRACTORS');
}
