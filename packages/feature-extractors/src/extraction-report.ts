import type { ExtractionReport } from './extraction-types';

/** One report of several extractions (chunks of one run, or its processes): ids and failures in order, notes by item. */
export function mergeExtractionReports(reports: readonly ExtractionReport[]): ExtractionReport {
  return {
    extracted: reports.flatMap((r) => r.extracted),
    skipped: reports.flatMap((r) => r.skipped),
    failed: reports.flatMap((r) => r.failed),
    notes: Object.assign({}, ...reports.map((r) => r.notes)) as ExtractionReport['notes'],
  };
}
