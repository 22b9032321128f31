/** The tools @mer/media launches per file. */
export type MediaTool = 'ffmpeg' | 'ffprobe';

const launched: Record<MediaTool, number> = { ffmpeg: 0, ffprobe: 0 };

/** Counts one launch of `tool` (called by the helpers that spawn it, just before they do). */
export function noteLaunch(tool: MediaTool): void {
  launched[tool]++;
}

/**
 * How many ffmpeg and ffprobe processes @mer/media has launched in this process for media (not
 * counting `locateFfmpeg`'s one-off version checks): a spec or a bench takes the difference around
 * the work it measures, e.g. one ffmpeg and no ffprobe to decode an MP3.
 */
export function mediaProcessLaunches(): Readonly<Record<MediaTool, number>> {
  return { ...launched };
}
