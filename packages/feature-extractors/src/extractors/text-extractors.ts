import type { ExtractorDefinition, StreamExtractor } from '../extractor-registry';
import type { FileResources } from '../file-resources';
import { HashedTextEncoder } from '../hashed-text-encoder';
import { HubTextEncoder } from '../hub-encoders';
import { SpeechTranscriber } from '../speech-transcriber';
import { interpolateToTimes, readTranscript, type TranscriptSegment } from '../transcript';

interface TextEncoder {
  readonly dim: number;
  encode(texts: readonly string[]): Float32Array | Promise<Float32Array>;
}

/**
 * A text stream: transcript segments (the item's transcript file, else ASR with `asrModel`) encoded
 * once per file and interpolated onto the rows' times (MAVEN eq. 12); masked without a transcript.
 */
function textExtractor(encoder: TextEncoder, asr: SpeechTranscriber | null, describe: StreamExtractor['describe'], dispose: () => void): StreamExtractor {
  const encoded = (file: FileResources) =>
    file.once(encoder, async (): Promise<{ segments: TranscriptSegment[]; vectors: Float32Array } | null> => {
      let segments: TranscriptSegment[] | null = file.sources.transcript ? readTranscript(file.sources.transcript) : null;
      if (!segments && asr && file.hasAudio) {
        segments = await asr.transcribe(file.path);
        file.notes.push(`transcribed with ${asr.id}: ${segments.length} segments`);
      }
      if (!segments) {
        file.notes.push('no transcript: text features masked');
        return null;
      }
      if (segments.length === 0) file.notes.push('empty transcript: text masked');
      return { segments, vectors: await encoder.encode(segments.map((seg) => seg.text)) };
    });
  return {
    describe,
    prepare: async (file) => void (await encoded(file)),
    async rows(r) {
      const text = await encoded(r.file);
      const count = r.times.length;
      if (!text) return { data: new Float32Array(count * encoder.dim), mask: new Uint8Array(count) };
      const aligned = interpolateToTimes(text.segments, text.vectors, encoder.dim, r.times, 'linear');
      return { data: aligned.data, mask: aligned.mask };
    },
    dispose,
  };
}

export const hashedWordsExtractor: ExtractorDefinition = {
  kind: 'hashed-words',
  modality: 'text',
  timings: ['frames'],
  about: 'feature-hashed transcript words, interpolated onto frames (MAVEN eq. 12)',
  width: 256,
  async create({ options: o }) {
    const encoder = new HashedTextEncoder(256);
    const asr = o.asrModel ? await SpeechTranscriber.fromPretrained(o.asrModel, o.hub ?? {}) : null;
    return textExtractor(encoder, asr, () => ({ extractor: 'hashed-words', dim: encoder.dim, config: { dim: encoder.dim, interpolation: 'linear' } }), () => undefined);
  },
};

export const hubTextExtractor: ExtractorDefinition = {
  kind: 'hub-text',
  modality: 'text',
  timings: ['frames'],
  about: 'a transformers.js text model per transcript segment, interpolated onto frames',
  width: "the model's hidden size (768 for RoBERTa-base)",
  supplied: (o) => Boolean(o.textEncoder),
  async create({ options: o }) {
    if (!o.textEncoder) throw new Error("extractor 'hub-text' needs a text model (textEncoder, mer extract --text-encoder <hub id or folder>)");
    const encoder = await HubTextEncoder.fromPretrained(o.textEncoder, o.hub ?? {});
    const asr = o.asrModel ? await SpeechTranscriber.fromPretrained(o.asrModel, o.hub ?? {}) : null;
    return textExtractor(
      encoder,
      asr,
      () => ({ extractor: `hub:${o.textEncoder}`, dim: encoder.dim, config: { pooling: 'attention-masked-mean', interpolation: 'linear' }, standsInFor: 'ASR (transcripts are given)' }),
      () => encoder.dispose(),
    );
  },
};
