import { listDatasets } from '@mer/pipelines';

/** `mer datasets`: every registered dataset — name, what is read, labels, the split it comes with, its folds. */
export function datasetsCommand(opts: { json?: boolean }): void {
  const rows = listDatasets().map((d) => ({
    name: d.name,
    title: d.title,
    about: d.about,
    reads: d.read ? 'media' : 'precomputed features',
    labels: d.labels,
    classes: d.classes,
    split: d.split,
    folds: d.folds ? { count: d.folds.count, about: d.folds.about } : undefined,
    speakerFromFileNames: Boolean(d.speakerOfFile),
  }));
  if (opts.json) {
    console.log(JSON.stringify(rows));
    return;
  }
  for (const r of rows) {
    console.log(`${r.name}:<root>  ${r.title}`);
    console.log(`  ${r.about}`);
    console.log(`  labels: ${r.labels}${r.classes ? ` (${r.classes.length}: ${r.classes.join(', ')})` : ''}`);
    console.log(`  split: ${r.split}`);
    console.log(`  folds: ${r.folds ? `${r.folds.count} (${r.folds.about}): --fold 1–${r.folds.count}` : 'none (--split, or mer cv)'}`);
  }
}
