import * as fs from 'node:fs';

/** `ftyp` major brands of audio-only MP4s (iTunes audio, audio book, protected audio, Flash audio). */
const AUDIO_BRANDS = new Set(['M4A ', 'M4B ', 'M4P ', 'F4A ', 'F4B ']);

/**
 * Whether a file's first bytes name a container that holds audio only: FLAC, MP3 (ID3 tag or an MPEG
 * audio frame), ADTS AAC, Ogg Vorbis/Opus/FLAC/Speex, an audio MP4 brand (M4A…), AIFF, CAF, WavPack,
 * Monkey's Audio, AMR, or a RIFF WAVE (one mer does not decode itself). A guess that decides only the
 * order of work: such a file is decoded first, its facts read from ffmpeg's own output, and a video
 * stream found there after all is probed as usual.
 */
export function looksAudioOnly(file: string): boolean {
  const head = Buffer.alloc(64);
  let n = 0;
  const fd = fs.openSync(file, 'r');
  try {
    n = fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  const b = head.subarray(0, n);
  const at = (offset: number, text: string) => b.length >= offset + text.length && b.toString('latin1', offset, offset + text.length) === text;
  if (at(0, 'fLaC') || at(0, 'ID3') || at(0, 'caff') || at(0, 'wvpk') || at(0, 'MAC ') || at(0, '#!AMR')) return true;
  if (b.length >= 2 && b[0] === 0xff && (b[1] & 0xe0) === 0xe0) return true; // MPEG audio / ADTS frame sync
  if (at(0, 'RIFF') && at(8, 'WAVE')) return true;
  if (at(0, 'FORM') && (at(8, 'AIFF') || at(8, 'AIFC'))) return true;
  if (at(4, 'ftyp')) return AUDIO_BRANDS.has(b.toString('latin1', 8, 12));
  if (at(0, 'OggS')) {
    const page = b.toString('latin1', 28);
    return page.startsWith('\x01vorbis') || page.startsWith('OpusHead') || page.startsWith('\x7fFLAC') || page.startsWith('Speex');
  }
  return false;
}
