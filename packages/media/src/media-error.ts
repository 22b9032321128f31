/** Why a media file could not be used. */
export type MediaErrorReason =
  | 'missing-file'
  | 'empty-file'
  | 'not-media'
  | 'no-video'
  | 'no-audio'
  | 'decode-failed'
  | 'no-ffmpeg';

/** A media problem, always naming the file and what is wrong with it. */
export class MediaError extends Error {
  constructor(
    readonly file: string,
    readonly reason: MediaErrorReason,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'MediaError';
  }
}
