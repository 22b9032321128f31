import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Writes a file atomically: to a temporary file in the same folder, fsync'd, then renamed over the
 * target. A crash leaves either the old file or the new one, never a torn one.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/**
 * Writes a whole folder atomically: `fill` builds it beside the target, then renames swap it in.
 * A crash leaves the old folder or the new one (or, between the two renames, the old one beside it).
 */
export async function writeFolderAtomic(dir: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  await fill(tmp);
  const old = `${dir}.old-${process.pid}`;
  if (fs.existsSync(dir)) fs.renameSync(dir, old);
  fs.renameSync(tmp, dir);
  fs.rmSync(old, { recursive: true, force: true });
}

/**
 * A file written piece by piece (a CSV streamed row by row) into a temporary file beside it: `commit()`
 * syncs it and renames it over the target; `abort()` removes it. Readers never see a half-written file.
 */
export class AtomicFileWriter {
  private readonly tmp: string;
  private fd: number | null;

  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
    this.fd = fs.openSync(this.tmp, 'w');
  }

  write(data: string | Uint8Array): void {
    if (this.fd === null) throw new Error(`${this.file}: already committed or aborted`);
    fs.writeSync(this.fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }

  commit(): void {
    if (this.fd === null) throw new Error(`${this.file}: already committed or aborted`);
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    this.fd = null;
    fs.renameSync(this.tmp, this.file);
  }

  /** Drops the partial file (safe to call after a failed commit or twice). */
  abort(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
    fs.rmSync(this.tmp, { force: true });
  }
}
