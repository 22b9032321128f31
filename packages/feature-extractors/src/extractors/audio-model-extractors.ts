import * as path from 'node:path';
import { vggishExamples } from '../log-mel-pooling';
import type { ExtractorDefinition, StreamExtractor } from '../extractor-registry';
import { HubAudioEncoder } from '../hub-encoders';
import { VggishNetwork } from '../vggish-network';
import { VGGISH_LOG_MEL } from './log-mel-extractors';

/** The VGGish network (converted weights, `vggishWeights`) on the 96×64 log-mel patch centred on each frame. */
export const vggishExtractor: ExtractorDefinition = {
  kind: 'vggish',
  modality: 'audio',
  timings: ['frames'],
  about: 'the VGGish network (converted weights) on the 96×64 patch centred on each frame',
  width: 'the converted network\'s (128)',
  supplied: (o) => Boolean(o.vggishWeights),
  async create({ options: o }): Promise<StreamExtractor> {
    if (!o.vggishWeights) throw new Error("extractor 'vggish' needs converted VGGish weights (vggishWeights, mer extract --vggish-weights <folder>)");
    const net = VggishNetwork.load(o.vggishWeights);
    return {
      needs: { logMel: true },
      describe: () => ({ extractor: `vggish:${path.resolve(o.vggishWeights!)}`, dim: net.dim, config: { ...VGGISH_LOG_MEL, patch: '96x64 centred' }, standsInFor: null }),
      async rows(r) {
        // 64 patches at a time.
        const times = r.logMel!.times;
        const out = new Float32Array(times.length * net.dim);
        for (let i = 0; i < times.length; i += 64) {
          const part = Array.from({ length: Math.min(64, times.length - i) }, (_, k) => times[i + k]);
          const emb = net.embed(vggishExamples(r.logMel!.spec, part));
          out.set(await emb.data(), i * net.dim);
          emb.dispose();
        }
        return { data: out };
      },
      dispose: () => net.dispose(),
    };
  },
};

/** A transformers.js speech model (`audioEncoder`, e.g. HuBERT), hidden states averaged over each frame's span. */
export const hubAudioExtractor: ExtractorDefinition = {
  kind: 'hub-audio',
  modality: 'audio',
  timings: ['frames'],
  about: 'a transformers.js speech model, hidden states averaged over each frame',
  width: "the model's hidden size (768 for HuBERT-base)",
  supplied: (o) => Boolean(o.audioEncoder),
  async create({ options: o }): Promise<StreamExtractor> {
    if (!o.audioEncoder) throw new Error("extractor 'hub-audio' needs a speech model (audioEncoder, mer extract --audio-encoder <hub id or folder>)");
    const audio = await HubAudioEncoder.fromPretrained(o.audioEncoder, o.hub ?? {});
    return {
      needs: { wholeFile: true },
      describe: () => ({ extractor: `hub:${o.audioEncoder}`, dim: audio.dim, config: { sampleRate: audio.sampleRate, pooling: 'frame-span-mean' }, standsInFor: null }),
      rows: async (r) => ({
        data: r.file.hasAudio ? (await audio.encodeFile(r.file.path, r.times, r.fps, { info: r.file.info })).data : new Float32Array(r.times.length * audio.dim),
      }),
      dispose: () => audio.dispose(),
    };
  },
};
