/** The rows of bench:models as the short table it prints; see models.ts. */
export interface BenchTableRow {
  network: string;
  preset: string;
  backend: string;
  batch: number;
  forward_ms?: number;
  train_step_ms?: number | null;
  train_skipped?: string;
  skipped?: string;
  error?: string;
  torch_forward_ms?: number;
  torch_train_step_ms?: number;
  torch_error?: string;
  forward_ratio?: number;
  train_ratio?: number | null;
}

export interface BenchTableInput {
  backends: { requested: string; info?: string; failed?: string }[];
  peer: Record<string, unknown> | null;
  rounds: number;
  rows: BenchTableRow[];
}

/**
 * A ratio to one significant digit (0.04, 0.3, 2, 10): this machine's speed drifts by tens of
 * percent, so a second digit would be noise.
 */
export function ratioText(r: number | null | undefined): string {
  if (r === null || r === undefined || !Number.isFinite(r) || r <= 0) return '–';
  return `${Number(r.toPrecision(1))}×`;
}

/** Milliseconds with three significant figures at most (0.42, 12.3, 456, 12300). */
export function msText(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  return ms >= 100 ? ms.toFixed(0) : Number(ms.toPrecision(3)).toString();
}

export function formatBenchTable(doc: BenchTableInput): string {
  const lines: string[] = [];
  for (const b of doc.backends) lines.push(`${b.requested}: ${b.failed ? `unavailable (${b.failed})` : b.info}`);
  const peer = doc.peer;
  if (peer === null) lines.push('PyTorch peer: not run (--no-torch)');
  else if (peer['unavailable']) lines.push(`PyTorch peer: unavailable (${peer['unavailable']})`);
  else lines.push(`PyTorch peer: torch ${peer['torch']} eager on ${peer['device']}, ${peer['threads']} thread(s)`);
  lines.push(`ms per batch, median${doc.rounds > 1 ? ` of ${doc.rounds} rounds' medians` : ''}; ratio = mer / PyTorch (one digit)`);
  const header = ['network', 'preset', 'backend', 'B', 'fwd ms', 'train ms', 'torch fwd', 'torch train', 'fwd ×', 'train ×', 'note'];
  const table = doc.rows.map((r) => [
    r.network,
    r.preset,
    r.backend,
    String(r.batch),
    msText(r.forward_ms),
    msText(r.train_step_ms),
    msText(r.torch_forward_ms),
    msText(r.torch_train_step_ms),
    ratioText(r.forward_ratio),
    ratioText(r.train_ratio),
    r.skipped ?? r.error ?? r.train_skipped ?? (r.torch_error ? `peer: ${r.torch_error}` : ''),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (i === header.length - 1 ? 0 : row[i].length))));
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : i >= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  lines.push(fmt(header), ...table.map(fmt));
  return lines.join('\n');
}
