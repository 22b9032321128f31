/**
 * A progress bar on stderr: redrawn in place on a terminal, one line per step otherwise (logs, CI).
 * Silent in `--json` mode so stdout stays machine-readable.
 */
export class Progress {
  private readonly tty = Boolean(process.stderr.isTTY);
  private readonly start = Date.now();

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly silent = false,
  ) {}

  tick(done: number, detail = ''): void {
    if (this.silent) return;
    const width = 24;
    const filled = this.total > 0 ? Math.round((done / this.total) * width) : width;
    const secs = ((Date.now() - this.start) / 1000).toFixed(0);
    const line = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${this.total} ${secs}s ${detail}`;
    if (this.tty) process.stderr.write(`\r\x1b[K${line}${done >= this.total ? '\n' : ''}`);
    else process.stderr.write(`${line}\n`);
  }
}
