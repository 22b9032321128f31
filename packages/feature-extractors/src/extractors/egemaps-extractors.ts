import { centreCropOrPad } from '@mer/datasets';
import { EGEMAPS_FUNCTIONALS_DIM } from '../acoustic/acoustic-file';
import { EGEMAPS_LLD_DIM, poolLlds } from '../acoustic/lld-pooling';
import { egemapsFunctionals } from '../acoustic/egemaps-functionals';
import { EGEMAPS_CONFIG, egemapsLlds, type AcousticLlds } from '../acoustic/egemaps-llds';
import type { ClipSpan, ExtractorDefinition, FrameRowsRequest, StreamExtractor } from '../extractor-registry';
import type { FileResources } from '../file-resources';


/** The centred clip's descriptors, once per file for both eGeMAPS extractors (ffmpeg resamples, as for whole files). */
function clipLlds(file: FileResources, span: ClipSpan): Promise<AcousticLlds> {
  return file.once(`egemaps-clip@${span.seconds}`, async () =>
    egemapsLlds(centreCropOrPad(await file.audio(16000), Math.round(span.seconds * 16000)), centreCropOrPad(await file.audio(11000), Math.round(span.seconds * 11000))),
  );
}

/** eGeMAPS descriptors pooled onto frames, or zeros for a file without audio: [rows, 25]. */
export async function pooledDescriptors(r: FrameRowsRequest): Promise<Float32Array> {
  const llds = await r.file.llds();
  return llds ? poolLlds(llds, r.times, r.fps) : new Float32Array(r.times.length * EGEMAPS_LLD_DIM);
}

const has = (file: FileResources) => (file.hasAudio ? 1 : 0);

export const egemapsExtractor: ExtractorDefinition = {
  kind: 'egemaps',
  modality: 'audio',
  timings: ['frames', 'clip'],
  about: "the 25 eGeMAPS low-level descriptors per 10 ms (pooled onto frame times; on clips, the centred clip's sequence)",
  width: EGEMAPS_LLD_DIM,
  async create({ clip }): Promise<StreamExtractor> {
    return {
      needs: { llds: true },
      describe: () => ({ extractor: 'egemaps', dim: EGEMAPS_LLD_DIM, config: { ...EGEMAPS_CONFIG, ...(clip ?? {}) } }),
      rows: async (r) => ({ data: await pooledDescriptors(r) }),
      async clip(file, span) {
        const llds = await clipLlds(file, span);
        return { data: llds.data, mask: new Uint8Array(llds.frames).fill(has(file)), frames: llds.frames };
      },
    };
  },
};

export const egemapsFunctionalsExtractor: ExtractorDefinition = {
  kind: 'egemaps-functionals',
  modality: 'audio',
  timings: ['clip'],
  about: '77 eGeMAPS-style functionals of the centred clip (one row)',
  width: EGEMAPS_FUNCTIONALS_DIM,
  async create({ clip }): Promise<StreamExtractor> {
    return {
      describe: () => ({ extractor: 'egemaps-functionals', dim: EGEMAPS_FUNCTIONALS_DIM, config: { ...EGEMAPS_CONFIG, functionals: 'mer-egemaps-functionals/1', ...(clip ?? {}) } }),
      async clip(file, span) {
        return { data: egemapsFunctionals(await clipLlds(file, span)).values, mask: Uint8Array.of(has(file)), frames: 1 };
      },
    };
  },
};
