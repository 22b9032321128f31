import type { ExtractedStream } from '@mer/feature-extractors';
import type { FeatureStats } from './feature-stats';

/**
 * Streams the network never saw in training (every training frame masked: an audio-only corpus's
 * video, say) are masked at prediction as they were in training — zeros, mask 0 — rather than fed a
 * modality the network has no weights trained for. Runs that did not record their valid frames (older
 * runs) mask nothing.
 */
export function maskUnseenStreams(streams: Record<string, ExtractedStream>, normalisation: Readonly<Record<string, FeatureStats>>): { streams: Record<string, ExtractedStream>; note?: string } {
  const unseen = Object.keys(streams).filter((m) => normalisation[m]?.validFrames === 0);
  if (unseen.length === 0) return { streams };
  const out = { ...streams };
  const present: string[] = [];
  for (const m of unseen) {
    const s = streams[m];
    if (s.mask.some((v) => v !== 0)) present.push(m);
    out[m] = { ...s, data: new Float32Array(s.data.length), mask: new Uint8Array(s.mask.length) };
  }
  const note = `${unseen.join(', ')}: masked as in training (the network never saw ${unseen.length > 1 ? 'these streams' : 'this stream'}${present.length ? `; this file has ${present.join(', ')}, which is not used` : ''})`;
  return { streams: out, note };
}
