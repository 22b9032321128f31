import { decodeAudio } from '@mer/media';
import type { HubOptions } from './hub-model';
import { openOnnx, OnnxPlacement } from './onnx-session';
import type { TranscriptSegment } from './transcript';
import { transformers } from './transformers-module';

/** What transformers.js' automatic-speech-recognition pipeline returns with `return_timestamps`. */
export interface AsrOutput {
  text: string;
  chunks?: { timestamp: [number, number | null]; text: string }[];
}

/**
 * ASR output → transcript segments: one per timestamped chunk (segment- or word-level), empty
 * chunks dropped, an open end (`null`, the last chunk cut by the audio's end) closed at `duration`.
 * Without chunks the whole text becomes one segment over the audio.
 */
export function segmentsFromAsr(output: AsrOutput, duration: number): TranscriptSegment[] {
  if (!output.chunks || output.chunks.length === 0) {
    const text = output.text.trim();
    return text ? [{ start: 0, end: duration, text }] : [];
  }
  return output.chunks
    .map((c) => ({ start: c.timestamp[0], end: c.timestamp[1] ?? duration, text: c.text.trim() }))
    .filter((s) => s.text.length > 0 && s.end > s.start);
}

/**
 * Whisper (or any transformers.js ASR model) with timestamps: the MAVEN text stream's first step
 * when no transcript is given. `granularity: 'word'` asks for word timestamps (models exported
 * with cross-attention outputs), `'segment'` (default) for Whisper's segment timestamps.
 */
export class SpeechTranscriber {
  private constructor(
    readonly id: string,
    private readonly asr: (audio: Float32Array, options: Record<string, unknown>) => Promise<AsrOutput>,
    /** Where its ONNX sessions run. */
    readonly placement: OnnxPlacement,
  ) {}

  static async fromPretrained(idOrPath: string, options: HubOptions = {}): Promise<SpeechTranscriber> {
    const { env, pipeline } = await transformers();
    env.allowRemoteModels = options.allowRemote ?? false;
    if (options.localModelPath) env.localModelPath = options.localModelPath;
    try {
      const { value: asr, placement } = await openOnnx(
        idOrPath,
        (e) => pipeline('automatic-speech-recognition', idOrPath, { dtype: options.dtype ?? 'fp32', device: e.device, session_options: { executionProviders: [...e.executionProviders] } }),
        { ep: options.ep },
      );
      return new SpeechTranscriber(idOrPath, asr as unknown as SpeechTranscriber['asr'], placement);
    } catch (e) {
      const offline = options.allowRemote ? '' : ' (offline: give a local model folder, or allowRemote with internet)';
      throw new Error(`speech recognition model '${idOrPath}' could not be loaded${offline}: ${(e as Error).message}`);
    }
  }

  /** Transcribes a media file's audio (16 kHz mono) into timed segments. */
  async transcribe(file: string, options: { granularity?: 'segment' | 'word'; language?: string } = {}): Promise<TranscriptSegment[]> {
    const audio = await decodeAudio(file, { sampleRate: 16000 });
    const out = await this.asr(audio.samples, {
      return_timestamps: options.granularity === 'word' ? 'word' : true,
      chunk_length_s: 30,
      stride_length_s: 5,
      ...(options.language ? { language: options.language } : {}),
    });
    return segmentsFromAsr(out, audio.duration);
  }
}
