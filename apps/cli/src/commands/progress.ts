import { GenericBar, SingleBar } from 'cli-progress';

export interface ProgressOptions {
  /** Nothing at all (`--json`, `--quiet`): stdout and stderr stay clean. */
  silent?: boolean;
  /** Where to draw; default stderr (stdout carries results). */
  stream?: NodeJS.WriteStream;
  /**
   * Plain lines (not a terminal): one at most every this many steps — the default spreads about 20
   * lines over the run, and every step is a line when there are 20 or fewer. `0` prints only the last.
   */
  linesEvery?: number;
  /** `false`: plain lines even on a terminal (for commands whose own lines would tear a live bar). */
  live?: boolean;
}

/** `75 s` → `1m15s`; the ETA and elapsed cells of plain lines. */
function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Progress of one command's steps, on stderr. On a terminal a live bar (cli-progress) with rate and
 * ETA; elsewhere (CI, a log file, a pipe) one plain line per step or per few steps, never a redraw.
 * Drawing can never end a run: a total that grows is followed, and any error of the display is
 * swallowed after turning the display off.
 */
export class Progress {
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private readonly start = Date.now();
  private bar: SingleBar | null = null;
  private broken = false;
  private lastLine = -1;

  constructor(
    private readonly label: string,
    private total: number,
    private readonly options: ProgressOptions = {},
  ) {
    this.stream = options.stream ?? process.stderr;
    this.tty = Boolean(this.stream.isTTY) && options.live !== false;
  }

  /** The total became known or changed (e.g. globs expanded to files). */
  setTotal(total: number): void {
    this.total = Math.max(0, Math.floor(total));
    this.guard(() => this.bar?.setTotal(this.total));
  }

  /** `done` steps of the total are finished; `detail` names the last one. */
  tick(done: number, detail = ''): void {
    if (this.options.silent || this.broken) return;
    const total = Math.max(this.total, done);
    this.guard(() => (this.tty ? this.draw(done, total, detail) : this.line(done, total, detail)));
  }

  /**
   * Writes a line of the command's own output (stdout by default) without tearing a live bar: the bar
   * is cleared, the line written and the bar drawn again below it.
   */
  print(text: string, to: NodeJS.WriteStream = process.stdout): void {
    const bar = this.bar;
    if (bar && this.tty) this.guard(() => this.stream.write('\r\x1b[K'));
    to.write(`${text}\n`);
    if (bar && this.bar) this.guard(() => (bar as GenericBar).render(true)); // forced: the text is unchanged but was cleared
  }

  /** Ends a live bar (leaves its last state on screen). */
  stop(): void {
    this.guard(() => this.bar?.stop());
    this.bar = null;
  }

  private draw(done: number, total: number, detail: string): void {
    if (!this.bar) {
      this.bar = new SingleBar({
        stream: this.stream,
        format: `${this.label} [{bar}] {value}/{total} {percentage}% | {rate} | eta {eta_formatted} | {detail}`,
        barsize: 24,
        hideCursor: false,
        clearOnComplete: false,
        etaBuffer: 20,
        fps: 5,
      });
      this.bar.start(total, 0, { detail: '', rate: '' });
    }
    if (total !== this.bar.getTotal()) this.bar.setTotal(total);
    this.bar.update(done, { detail, rate: this.rate(done) });
    if (done >= total) this.stop();
  }

  private line(done: number, total: number, detail: string): void {
    const every = this.options.linesEvery ?? Math.max(1, Math.ceil(total / 20));
    const last = done >= total;
    if (!last && (every === 0 || (this.lastLine >= 0 && done - this.lastLine < every))) return;
    this.lastLine = done;
    const secs = (Date.now() - this.start) / 1000;
    const eta = done > 0 && !last ? ` eta ${duration((secs / done) * (total - done))},` : '';
    const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
    this.stream.write(`${this.label} ${done}/${total} (${pct} %) ${this.rate(done)},${eta} ${duration(secs)}${detail ? `: ${detail}` : ''}\n`);
  }

  private rate(done: number): string {
    const secs = (Date.now() - this.start) / 1000;
    if (done === 0 || secs <= 0) return '–/s';
    const r = done / secs;
    return r >= 1 ? `${r.toFixed(1)}/s` : `${(secs / done).toFixed(1)} s each`;
  }

  private guard(f: () => void): void {
    try {
      f();
    } catch {
      // A display must never stop the work it reports on.
      this.broken = true;
      this.bar = null;
    }
  }
}
