import { RAVDESS_FOLDS } from './ravdess';

/** How speakers are grouped into cross-validation folds. */
export type FoldScheme = 'loso' | 'ravdess6' | number;

/** Parses `--folds`: 'loso', 'ravdess6', or a whole number k ≥ 2 of speaker groups. */
export function parseFoldScheme(text: string): FoldScheme {
  if (text === 'loso' || text === 'ravdess6') return text;
  const k = Number(text);
  if (!Number.isInteger(k) || k < 2) throw new Error(`--folds '${text}': expected loso, ravdess6 or a whole number ≥ 2`);
  return k;
}

/**
 * The held-out speakers of each fold: one speaker per fold (leave-one-speaker-out), RAVDESS' six
 * published actor folds, or `k` groups of the sorted speakers dealt round robin. Every speaker is
 * held out exactly once. A fold's speakers never train its model.
 */
export function speakerFolds(speakers: readonly string[], scheme: FoldScheme): string[][] {
  const unique = [...new Set(speakers)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (unique.length < 2) throw new Error(`speaker folds need at least 2 speakers, found ${unique.length} (${unique.join(', ') || 'none'})`);
  if (scheme === 'loso') return unique.map((s) => [s]);
  if (scheme === 'ravdess6') {
    const folds = RAVDESS_FOLDS.map((actors) => unique.filter((s) => actors.includes(Number(s))));
    const unknown = unique.filter((s) => !RAVDESS_FOLDS.some((f) => f.includes(Number(s))));
    if (unknown.length > 0) throw new Error(`ravdess6 folds: speakers ${unknown.join(', ')} are not RAVDESS actors 1–24`);
    return folds.filter((f) => f.length > 0);
  }
  if (scheme > unique.length) throw new Error(`${scheme} folds but only ${unique.length} speakers`);
  const folds: string[][] = Array.from({ length: scheme }, () => []);
  unique.forEach((s, i) => folds[i % scheme].push(s));
  return folds;
}

/**
 * The split of every speaker for fold `index`: the fold's speakers 'test', the next fold's speakers
 * 'validation' (an inner split of the training speakers, for model selection), the rest 'train'.
 * `member` m > 0 validates on the fold m + 1 places on instead (the m-th member of a committee whose
 * networks each select on other training speakers); at most folds − 2.
 */
export function foldSplits(folds: readonly (readonly string[])[], index: number, member = 0): Map<string, 'train' | 'validation' | 'test'> {
  if (member > 0 && member > folds.length - 2) throw new Error(`fold ${index + 1}: member ${member + 1} needs ${member + 2} folds to validate on other training speakers, there are ${folds.length}`);
  const out = new Map<string, 'train' | 'validation' | 'test'>();
  const validation = folds[(index + 1 + member) % folds.length];
  folds.forEach((f, i) => f.forEach((s) => out.set(s, i === index ? 'test' : 'train')));
  if (folds.length > 2) validation.forEach((s) => out.set(s, 'validation'));
  return out;
}
