import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { locateFfmpeg } from './ffmpeg-locator';
import { MediaError } from './media-error';

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
   * Bytes ffmpeg may decode ahead of the consumer (buffered here, beyond the OS pipe's 64 KB), so that
   * decoding goes on while the consumer computes. Default 0: the pipe only.
   */
  readAhead?: number;
}

/**
 * Runs ffmpeg with stdout as a byte stream and yields fixed-size records from it (a video frame, an
 * audio chunk). Reading is pulled by the consumer, so a slow consumer pauses ffmpeg through the
 * pipe: memory stays at one record plus the pipe buffer (and `readAhead`) whatever the media length. Stopping early
 * kills ffmpeg; a non-zero exit is an error naming the file with ffmpeg's last stderr lines.
 */
export async function* ffmpegRecords(file: string, args: string[], recordBytes: number, options: FfmpegRecordOptions = {}): AsyncGenerator<Buffer> {
  const { ffmpeg } = locateFfmpeg();
  const level = options.onInfo ? 'level+info' : 'error';
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
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let finished = false;
  try {
    const source = options.readAhead ? child.stdout.pipe(new PassThrough({ highWaterMark: options.readAhead })) : child.stdout;
    for await (const chunk of source as AsyncIterable<Buffer>) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      while (pendingBytes >= recordBytes) {
        const all = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
        const record = all.subarray(0, recordBytes);
        const rest = all.subarray(recordBytes);
        pending = rest.length > 0 ? [Buffer.from(rest)] : [];
        pendingBytes = rest.length;
        yield record;
      }
    }
    const code = await exited;
    finished = true;
    if (code !== 0) {
      throw new MediaError(file, 'decode-failed', `ffmpeg exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
    }
    if (pendingBytes > 0 && options.allowPartial) yield Buffer.concat(pending, pendingBytes); // the audio tail
  } finally {
    if (!finished) {
      child.kill('SIGKILL');
      await exited.catch(() => undefined);
    }
  }
}
