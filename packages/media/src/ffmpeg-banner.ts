import type { AudioStreamInfo } from './probe';

/** The video stream as ffmpeg's input dump shows it: sizes exact, the frame rate rounded (e.g. 29.97). */
export interface BannerVideo {
  codec: string;
  codedWidth: number;
  codedHeight: number;
  sampleAspect: number;
  /** Clockwise, from the stream's `displaymatrix` side data (counter-clockwise in the dump). */
  rotation: 0 | 90 | 180 | 270;
  /** As printed: two decimals at most, so 30000/1001 reads 29.97. */
  fps: number;
}

/** What ffmpeg's input dump (`Input #0, …` at log level info) and its output stream line say of a file. */
export interface BannerFacts {
  /** The demuxer's name, as ffprobe's `format_name` (e.g. `mov,mp4,m4a,3gp,3g2,mj2`). */
  container: string;
  /** Seconds, rounded to 10 ms by ffmpeg; undefined for `N/A`. */
  duration?: number;
  audio: AudioStreamInfo[];
  /** The first video stream that is not a cover picture. */
  video?: BannerVideo;
  /** The sample rate of the decoded output (the first output audio stream). */
  outputSampleRate?: number;
}

/** Channel counts of the layouts libavutil names (`av_get_channel_layout_string`). */
const LAYOUT_CHANNELS: Record<string, number> = {
  mono: 1,
  stereo: 2,
  downmix: 2,
  '2.1': 3,
  '3.0': 3,
  '3.0(back)': 3,
  '4.0': 4,
  quad: 4,
  'quad(side)': 4,
  '3.1': 4,
  '5.0': 5,
  '5.0(side)': 5,
  '4.1': 5,
  '5.1': 6,
  '5.1(side)': 6,
  '6.0': 6,
  '6.0(front)': 6,
  hexagonal: 6,
  '6.1': 7,
  '6.1(back)': 7,
  '6.1(front)': 7,
  '7.0': 7,
  '7.0(front)': 7,
  '7.1': 8,
  '7.1(wide)': 8,
  '7.1(wide-side)': 8,
  octagonal: 8,
  hexadecagonal: 16,
  '22.2': 24,
};

function channelsOf(layout: string): number | undefined {
  const n = /^(\d+) channels/.exec(layout);
  return n ? Number(n[1]) : LAYOUT_CHANNELS[layout.replace(/\s+/g, '')];
}

/** `[SAR 4:3 DAR 16:9]` → 4/3 (1 when absent or 0:1). */
function sampleAspectOf(rest: string): number {
  const m = /\[SAR (\d+):(\d+)/.exec(rest);
  return m && Number(m[1]) > 0 && Number(m[2]) > 0 ? Number(m[1]) / Number(m[2]) : 1;
}

/**
 * Reads ffmpeg's dump of its first input (lines as logged at `level+info`, the `[info] ` prefix
 * optional): container, duration, each audio stream's index, codec, sample rate and channel count, the
 * first real video stream, and the output's audio sample rate. Null when the dump is missing or a
 * stream line cannot be read (an unknown channel layout): the caller then asks ffprobe.
 */
export function parseFfmpegBanner(lines: readonly string[]): BannerFacts | null {
  const text = lines.map((l) => l.replace(/^\[info\] /, ''));
  const start = text.findIndex((l) => l.startsWith('Input #0, '));
  if (start < 0) return null;
  const head = text[start];
  const from = head.lastIndexOf(", from '");
  const facts: BannerFacts = { container: head.slice('Input #0, '.length, from < 0 ? undefined : from), audio: [] };
  let section: 'input' | 'output' | 'other' = 'input';
  let lastVideo = false;
  for (const line of text.slice(start + 1)) {
    if (/^(Input|Output) #\d+/.test(line) || line.startsWith('Stream mapping:')) {
      section = line.startsWith('Output #0') ? 'output' : 'other';
      continue;
    }
    const duration = /^\s+Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/.exec(line);
    if (section === 'input' && duration) {
      facts.duration = Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3]);
      continue;
    }
    const rotation = /displaymatrix: rotation of (-?[\d.]+) degrees/.exec(line);
    if (section === 'input' && rotation && lastVideo && facts.video) {
      const quarter = Math.round(-Number(rotation[1]) / 90);
      facts.video.rotation = ((((quarter % 4) + 4) % 4) * 90) as BannerVideo['rotation'];
      continue;
    }
    const stream = /^\s+Stream #\d+:(\d+)(?:\[[^\]]*\])?(?:\([^)]*\))?: (Audio|Video|Subtitle|Data|Attachment): (.*)$/.exec(line);
    if (!stream) continue;
    const [, index, type, rest] = stream;
    lastVideo = false;
    if (type === 'Audio') {
      const parts = rest.split(', ');
      const rate = /^(\d+) Hz$/.exec(parts[1] ?? '');
      if (section === 'output') {
        if (facts.outputSampleRate === undefined && rate) facts.outputSampleRate = Number(rate[1]);
        continue;
      }
      if (section !== 'input') continue;
      const channels = channelsOf(parts[2] ?? '');
      if (!rate || !channels) return null;
      facts.audio.push({ index: Number(index), codec: parts[0].split(' ')[0], sampleRate: Number(rate[1]), channels, duration: 0 });
    } else if (type === 'Video' && section === 'input' && !facts.video && !rest.includes('(attached pic)')) {
      const size = /, (\d+)x(\d+)[ ,]/.exec(rest);
      const fps = /, ([\d.]+k?) (fps|tbr)/.exec(rest);
      if (!size) return null;
      const rate = fps ? (fps[1].endsWith('k') ? Number(fps[1].slice(0, -1)) * 1000 : Number(fps[1])) : 0;
      facts.video = { codec: rest.split(' ')[0].replace(/,$/, ''), codedWidth: Number(size[1]), codedHeight: Number(size[2]), sampleAspect: sampleAspectOf(rest), rotation: 0, fps: rate };
      lastVideo = true;
    }
  }
  for (const a of facts.audio) a.duration = facts.duration ?? 0;
  return facts;
}
