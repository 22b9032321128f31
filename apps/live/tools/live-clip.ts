import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { locateFfmpeg, probe } from '@mer/media';

/** The real talking clip beside the repository (../shared/data), when it is there. */
export const REAL_CLIP = path.resolve(__dirname, '../../../../shared/data/clips/talking-utterance.mp4');

/** A clip for Chromium's fake camera and microphone, and the same clip as a file for `mer analyze`. */
export interface LiveClip {
  /** 640 × 360, 30 fps: what `mer analyze` reads (H.264 + AAC from the real clip; lossless RGB for the generated one). */
  video: string;
  /** The same frames, 4:2:0 y4m with a plain `C420` header (--use-file-for-fake-video-capture). */
  y4m: string;
  /** Its audio, 48 kHz mono PCM (--use-file-for-fake-audio-capture). */
  wav: string;
  seconds: number;
  /** Where it came from: the real clip, or a generated face with a synthetic voice. */
  source: string;
}

/** Seconds of the generated clip, and its voiced span. */
const GENERATED_SECONDS = 8;
const VOICED: [number, number] = [0.5, 7.5];

/**
 * Chromium's YUV → RGB of a grey pixel (U = V = 128): libyuv's BT.601 fixed point (checked on a 0–255
 * ramp through the fake camera: every level equal). ffmpeg's conversion differs by a level on ~40 % of
 * them, which moves the expression model by up to 0.15 on some faces.
 */
function chromiumGrey(y: number): number {
  return Math.max(0, Math.min(255, (((y * 257 * 18997) >> 16) - 1160) >> 6));
}

/**
 * A voice as an ffmpeg `aevalsrc` expression in t (s): a pitch gliding 140 ± 55 Hz, 24 harmonics shaped
 * by two formants that move as vowels do (F1 350–750 Hz, F2 900–2100 Hz), syllables at 3.5 a second.
 * Silero VAD takes about 90 % of it for speech (a plain harmonic tone, it takes for none), and its F0
 * is the glide. Each harmonic's phase is k times the integral of the pitch: sin(2π·f(t)·t) would sweep
 * ever wider as t grows.
 */
function syntheticSpeech(): string {
  const [glide, wobble] = [[40, 1.3], [15, 4.1]];
  const f0 = `(140+${glide[0]}*sin(2*PI*${glide[1]}*t)+${wobble[0]}*sin(2*PI*${wobble[1]}*t))`;
  const integral = ([a, f]: number[]) => `${(a / (2 * Math.PI * f)).toFixed(4)}*cos(2*PI*${f}*t)`;
  const phase = `2*PI*(140*t-${integral(glide)}-${integral(wobble)})`;
  const [f1, f2] = ['(550+200*sin(2*PI*3.1*t))', '(1500+600*sin(2*PI*2.2*t+1))'];
  const formant = (f: string, width: number, k: number) => `exp(-pow((${k}*${f0}-${f})/${width},2))`;
  const harmonics = Array.from({ length: 24 }, (_, i) => i + 1).map((k) => `(${formant(f1, 150, k)}+0.6*${formant(f2, 200, k)}+0.1/${k})*sin(${k}*${phase})`);
  return `(0.3+0.7*pow(sin(PI*3.5*t),2))*(${harmonics.join('+')})*0.08`;
}

/**
 * A face clip generated here (when ../shared is absent), built so the fake camera and `mer analyze`
 * see the same pixels: one face of the grid in human's FaceMatch screenshot (MIT), grey, still, at
 * 224 × 224 in a 640 × 360 frame. Chromium gets its Y plane (U = V = 128) as y4m; analyze gets the RGB
 * Chromium makes of it ({@link chromiumGrey}), stored losslessly (PNG frames in Matroska). With
 * {@link syntheticSpeech} over most of the clip.
 */
async function generatedClip(dir: string, ffmpeg: string): Promise<LiveClip> {
  const [W, H, fps] = [640, 360, 30];
  const faces = path.join(path.dirname(require.resolve('@vladmandic/human')), '../assets/screenshot-facematch.jpg');
  const filter = `[0]crop=112:112:520:283,scale=224:224[face];color=c=0x303030:s=${W}x${H}:d=1[bg];[bg][face]overlay=x=200:y=68,format=yuv420p`;
  const yuv = execFileSync(ffmpeg, ['-loglevel', 'error', '-i', faces, '-filter_complex', filter, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-'], { maxBuffer: 1 << 24 });
  const luma = yuv.subarray(0, W * H);
  const chroma = Buffer.alloc((W * H) / 2, 128);
  const frames = GENERATED_SECONDS * fps;
  const y4m = path.join(dir, 'live-clip.y4m');
  const out = fs.createWriteStream(y4m);
  out.write(`YUV4MPEG2 W${W} H${H} F${fps}:1 Ip A1:1 C420\n`);
  for (let i = 0; i < frames; i++) {
    if (!out.write(Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]))) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end(() => resolve()).on('error', reject));
  const rgb = Buffer.alloc(W * H * 3);
  for (let i = 0; i < W * H; i++) rgb.fill(chromiumGrey(luma[i]), 3 * i, 3 * i + 3);
  const frame = path.join(dir, 'live-clip.rgb');
  fs.writeFileSync(frame, rgb);
  const audio = `aevalsrc='${syntheticSpeech()}*between(t,${VOICED[0]},${VOICED[1]})':s=48000:d=${GENERATED_SECONDS}`;
  const wav = path.join(dir, 'live-clip.wav');
  execFileSync(ffmpeg, ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', audio, '-c:a', 'pcm_s16le', wav]);
  const video = path.join(dir, 'live-clip.mkv');
  execFileSync(ffmpeg, ['-loglevel', 'error', '-y', '-stream_loop', String(frames - 1), '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${W}x${H}`, '-r', String(fps), '-i', frame, '-i', wav, '-c:v', 'png', '-c:a', 'pcm_s16le', '-shortest', video]);
  fs.rmSync(frame);
  return { video, y4m, wav, seconds: (await probe(video)).duration, source: 'generated: a still grey face (human FaceMatch screenshot) + synthetic speech' };
}

/**
 * Makes the clip in `dir`: from `source` (default the real clip when present) scaled to 640 × 360 at
 * 30 fps, then its y4m and wav for the fake devices; with `source` null, the generated clip.
 */
export async function makeLiveClip(dir: string, source: string | null = fs.existsSync(REAL_CLIP) ? REAL_CLIP : null): Promise<LiveClip> {
  const { ffmpeg } = locateFfmpeg();
  fs.mkdirSync(dir, { recursive: true });
  if (!source) return generatedClip(dir, ffmpeg);
  const video = path.join(dir, 'live-clip.mp4');
  execFileSync(ffmpeg, ['-loglevel', 'error', '-y', '-i', source, '-vf', 'scale=640:360,fps=30', '-c:v', 'libx264', '-crf', '12', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ac', '1', '-ar', '48000', video]);
  const raw = path.join(dir, 'live-clip.raw.y4m');
  const y4m = path.join(dir, 'live-clip.y4m');
  const wav = path.join(dir, 'live-clip.wav');
  execFileSync(ffmpeg, ['-loglevel', 'error', '-y', '-i', video, '-f', 'yuv4mpegpipe', '-pix_fmt', 'yuv420p', raw]);
  execFileSync(ffmpeg, ['-loglevel', 'error', '-y', '-i', video, '-vn', '-ac', '1', '-ar', '48000', '-c:a', 'pcm_s16le', wav]);
  // ffmpeg writes `C420mpeg2 XYSCSS=…`; Chromium's y4m reader is given the plain 4:2:0 tag.
  const head = Buffer.alloc(256);
  const fd = fs.openSync(raw, 'r');
  fs.readSync(fd, head, 0, 256, 0);
  fs.closeSync(fd);
  const end = head.indexOf(0x0a);
  const header = head.subarray(0, end).toString().split(' ').filter((t) => !t.startsWith('C') && !t.startsWith('X')).join(' ');
  await new Promise<void>((resolve, reject) => {
    const out = fs.createWriteStream(y4m);
    out.write(`${header} C420\n`);
    fs.createReadStream(raw, { start: end + 1 }).on('error', reject).pipe(out).on('finish', resolve).on('error', reject);
  });
  fs.rmSync(raw);
  return { video, y4m, wav, seconds: (await probe(video)).duration, source };
}
