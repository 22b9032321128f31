import { spawn } from 'node:child_process';
import { locateFfmpeg } from './ffmpeg-locator';
import { MediaError } from './media-error';
import { noteLaunch } from './media-processes';

/** ffmpeg input-range arguments: `-ss start -i file -t duration`. */
export function inputWithRange(file: string, start = 0, duration?: number): string[] {
  return [...(start > 0 ? ['-ss', String(start)] : []), '-i', file, ...(duration ? ['-t', String(duration)] : [])];
}

export interface FfmpegRecordOptions {
  /** Yield a last, shorter record (the audio tail). */
  allowPartial?: boolean;
  /** Runs ffmpeg at log level info and hands each info line of stderr here (e.g. showinfo's per-frame lines). */
  onInfo?: (line: string) => void;
  /** Called once ffmpeg's output has closed (every info line delivered). */
  onClose?: () => void;
  /**
   * Complete records held ahead of the consumer (beyond the OS pipe's 64 KB), so that ffmpeg decodes
   * on while the consumer computes. Default 1.
   */
  readAhead?: number;
}

/**
 * Runs ffmpeg with stdout as a byte stream and yields fixed-size records from it (a batch of video
 * frames, an audio chunk): each pipe chunk is copied once, into its place in a record. A consumer that
 * falls `readAhead` records behind pauses ffmpeg through the pipe: memory stays at a few records plus
 * the pipe buffer whatever the media length. Stopping early kills ffmpeg; a non-zero exit is an error
 * naming the file with ffmpeg's last stderr lines.
 */
export async function* ffmpegRecords(file: string, args: string[], recordBytes: number, options: FfmpegRecordOptions = {}): AsyncGenerator<Buffer> {
  const { ffmpeg } = locateFfmpeg();
  const level = options.onInfo ? 'level+info' : 'error';
  noteLaunch('ffmpeg');
  const child = spawn(ffmpeg, ['-hide_banner', '-loglevel', level, '-nostdin', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let partial = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    if (!options.onInfo) {
      stderr = (stderr + d).slice(-4000);
      return;
    }
    const lines = (partial + d).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      // Info lines go to the caller; the rest (warnings, errors) make the error message.
      if (line.includes('[info]')) options.onInfo(line);
      else stderr = `${stderr}${line}\n`.slice(-4000);
    }
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', (e) => reject(new MediaError(file, 'decode-failed', `could not start ffmpeg: ${e.message}`)));
    child.on('close', (code) => {
      if (partial && options.onInfo) options.onInfo(partial);
      options.onClose?.();
      resolve(code);
    });
  });
  // Records fill as chunks arrive (push mode: no async iteration per 64 KB chunk).
  const ready: Buffer[] = [];
  let current = Buffer.allocUnsafe(recordBytes);
  let filled = 0;
  let ended = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const ahead = Math.max(1, options.readAhead ?? 1);
  const out = child.stdout;
  const notify = () => {
    wake?.();
    wake = null;
  };
  out.on('data', (chunk: Buffer) => {
    for (let at = 0; at < chunk.length; ) {
      const n = Math.min(recordBytes - filled, chunk.length - at);
      chunk.copy(current, filled, at, at + n);
      [filled, at] = [filled + n, at + n];
      if (filled === recordBytes) {
        ready.push(current);
        [current, filled] = [Buffer.allocUnsafe(recordBytes), 0];
      }
    }
    if (ready.length >= ahead) out.pause();
    notify();
  });
  out.on('end', () => ((ended = true), notify()));
  out.on('error', (e) => ((failure = e), notify()));
  let finished = false;
  try {
    for (;;) {
      const record = ready.shift();
      if (record) {
        if (out.isPaused() && ready.length < ahead) out.resume();
        yield record;
        continue;
      }
      if (failure) throw failure;
      if (ended) break;
      await new Promise<void>((r) => (wake = r));
    }
    const code = await exited;
    finished = true;
    if (code !== 0) {
      throw new MediaError(file, 'decode-failed', `ffmpeg exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
    }
    if (filled > 0 && options.allowPartial) yield current.subarray(0, filled); // the audio tail
  } finally {
    if (!finished) {
      child.kill('SIGKILL');
      await exited.catch(() => undefined);
    }
  }
}
