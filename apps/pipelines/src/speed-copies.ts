import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mergeExtractionReports, type ExtractionReport } from '@mer/feature-extractors';
import type { PipelineItem } from './pipeline-types';
import { writeSpeedPerturbed } from './speed-perturbation';

/** The id of an item's speed-perturbed copy: `<id>~sp0.9`. */
export function speedCopyId(id: string, factor: number): string {
  return `${id}~sp${factor}`;
}

/** Whether an item is an augmented copy of another (a features folder's speed-perturbed copies). */
export function isAugmentedCopy(item: Pick<PipelineItem, 'augmentOf'>): boolean {
  return item.augmentOf !== undefined;
}

/**
 * Each item followed by its copies at the factors other than 1: the same file, label, speaker and
 * split, the id `<id>~sp<factor>`, `augmentOf` naming the item and `speed` the factor (what
 * `mer extract --speed` records in items.json; extraction reads the copies' audio perturbed).
 */
export function withSpeedCopies(items: readonly PipelineItem[], factors: readonly number[]): PipelineItem[] {
  const extra = factors.filter((f) => f !== 1);
  if (extra.length === 0) return [...items];
  return items.flatMap((i) => [i, ...extra.map((f) => ({ ...i, id: speedCopyId(i.id, f), augmentOf: i.id, speed: f }))]);
}

/**
 * The stored copies at `factors` (1 is the item itself) of exactly the given training items — so never
 * a copy of an inner-validation, test or held-out speaker's item. A copy the folder lacks is an error
 * naming the folder and the `mer extract --speed` that writes it.
 */
export function trainingCopies(train: readonly PipelineItem[], copies: readonly PipelineItem[], factors: readonly number[], features: string): PipelineItem[] {
  const byKey = new Map(copies.map((c) => [`${c.augmentOf}\u0000${c.speed}`, c]));
  const extra = factors.filter((f) => f !== 1);
  return train.flatMap((item) =>
    extra.map((f) => {
      const copy = byKey.get(`${item.id}\u0000${f}`);
      if (!copy) throw new Error(`${features}/items.json: no speed-perturbed copy of '${item.id}' at ${f} (training "speedPerturbation": [${factors.join(', ')}]); extract them with mer extract --speed ${[1, ...extra].join(',')}`);
      return copy;
    }),
  );
}

/**
 * Per-speaker standardisation's group of an item: its speaker, and for a speed-perturbed copy the
 * speaker at that speed (`03~sp1.1`), as Kaldi makes perturbed speakers new speakers (`sp1.1-03`): a
 * copy is standardised with the statistics of its speaker's copies at its factor, so the originals'
 * statistics stay those of the originals.
 */
export function standardisationGroup(item: Pick<PipelineItem, 'speaker' | 'speed' | 'augmentOf'>): string | undefined {
  return item.augmentOf !== undefined && item.speaker ? `${item.speaker}~sp${item.speed}` : item.speaker;
}

/**
 * Extracts items, their speed-perturbed copies each from its recording's audio perturbed into a
 * temporary WAV (deleted once extracted): the copy's features are those of the perturbed recording.
 */
export async function extractWithCopies(
  extract: (items: readonly PipelineItem[], onItem?: (id: string, index: number, status: string) => void) => Promise<ExtractionReport>,
  items: readonly PipelineItem[],
  onItem?: (id: string, index: number, status: string) => void,
): Promise<ExtractionReport> {
  const copies = items.flatMap((item, k) => (item.speed !== undefined && item.speed !== 1 ? [{ item, k }] : []));
  if (copies.length === 0) return extract(items, onItem);
  const originals = items.flatMap((item, k) => (item.speed !== undefined && item.speed !== 1 ? [] : [{ item, k }]));
  const reports = [await extract(originals.map((o) => o.item), (id, i, status) => onItem?.(id, originals[i].k, status))];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-speed-'));
  try {
    for (const { item, k } of copies) {
      let file: string;
      try {
        file = await writeSpeedPerturbed(item.file, item.speed!, tmp);
      } catch (e) {
        reports.push({ extracted: [], skipped: [], failed: [{ id: item.id, file: item.file, error: (e as Error).message }], notes: {} });
        onItem?.(item.id, k, 'failed');
        continue;
      }
      reports.push(await extract([{ ...item, file }], (id, _i, status) => onItem?.(id, k, status)));
      fs.rmSync(file, { force: true });
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return mergeExtractionReports(reports);
}
