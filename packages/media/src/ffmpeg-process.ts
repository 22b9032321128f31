import { spawn } from 'node:child_process';
import { locateFfmpeg } from './ffmpeg-locator';
import { MediaError } from './media-error';

/** ffmpeg input-range arguments: `-ss start -i file -t duration`. */
export function inputWithRange(file: string, start = 0, duration?: number): string[] {
  return [...(start > 0 ? ['-ss', String(start)] : []), '-i', file, ...(duration ? ['-t', String(duration)] : [])];
}

/**
 * Runs ffmpeg with stdout as a byte stream and yields fixed-size records from it (a video frame, an
 * audio chunk). Reading is pulled by the consumer, so a slow consumer pauses ffmpeg through the
 * pipe: memory stays at one record plus the pipe buffer whatever the media length. Stopping early
 * kills ffmpeg; a non-zero exit is an error naming the file with ffmpeg's last stderr lines.
 */
export async function* ffmpegRecords(file: string, args: string[], recordBytes: number, allowPartial = false): AsyncGenerator<Buffer> {
  const { ffmpeg } = locateFfmpeg();
  const child = spawn(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-nostdin', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', (e) => reject(new MediaError(file, 'decode-failed', `could not start ffmpeg: ${e.message}`)));
    child.on('close', (code) => resolve(code));
  });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let finished = false;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
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
    if (pendingBytes > 0 && allowPartial) yield Buffer.concat(pending, pendingBytes); // the audio tail
  } finally {
    if (!finished) {
      child.kill('SIGKILL');
      await exited.catch(() => undefined);
    }
  }
}
