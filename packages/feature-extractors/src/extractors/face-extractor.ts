import { probe } from '@mer/media';
import type { ExtractorDefinition, StreamExtractor, VisualBatch, VisualTrack } from '../extractor-registry';
import { clipFaceRows } from '../clip-face-rows';
import { extractCropTrack } from '../crop-track-extractor';
import { FaceEmbedder } from '../face-embedder';
import { faceModelsOnFirstUse } from '../face-models';
import { extractFaceTrack, FACE_TRACK_GEOMETRY, type FaceTrack, type FrameEmbedder } from '../face-track-extractor';
import { RemoteFaceDetections, TWO_PROCESS_MIN_SECONDS } from '../face-track-process';
import type { FileResources } from '../file-resources';
import { HubImageEncoder } from '../hub-encoders';

type Embedder = FrameEmbedder & { dispose(): void };

const FACE_SOURCES = { detect: 'blazeface', none: 'centre-crop', 'cropped-aligned': 'cropped-aligned' } as const;

/**
 * Faces: BlazeFace + tracking (or a centred square, or the dataset's aligned crops) and the shipped
 * face CNN (or a transformers.js image model, `visualEncoder`) per frame. Its rows set the timeline
 * of frame-timed plans.
 */
export const faceExtractor: ExtractorDefinition = {
  kind: 'face',
  modality: 'visual',
  timings: ['frames', 'clip'],
  about: 'BlazeFace + tracking (or centred crop) + shipped face CNN, or a hub image model',
  width: "the face model's: 256 (expression), 1024 (faceres), or the hub image model's",
  async create({ options: o, clip }): Promise<StreamExtractor> {
    // The shipped models open on the first video; a hub image model states its width only once loaded, so it opens now.
    const models = faceModelsOnFirstUse<Embedder>({
      detect: o.faces !== 'none',
      graphs: o.visualEncoder ? [] : [FaceEmbedder.fileOf(o.visualModel)],
      embedder: () => (o.visualEncoder ? HubImageEncoder.fromPretrained(o.visualEncoder, o.hub ?? {}) : FaceEmbedder.load(o.visualModel)),
    });
    const hub = o.visualEncoder ? ((await models.get()).embedder as HubImageEncoder) : null;
    const model = o.visualEncoder ? `hub:${o.visualEncoder}` : o.visualModel;
    const asRows = (t: FaceTrack): VisualTrack => ({ data: t.features, mask: t.mask, frames: t.frames, fps: t.fps, times: t.times, faces: t.faces });
    return {
      describe: (decl) => ({
        extractor: `${FACE_SOURCES[o.faces]}+${model}`,
        dim: hub ? hub.dim : FaceEmbedder.dimOf(o.visualModel),
        config: { faces: o.faces, model, detectEvery: o.detectEvery, geometry: FACE_TRACK_GEOMETRY, ...(o.face && o.face !== 'main' ? { select: o.face } : {}), ...(clip ?? {}) },
        standsInFor: o.visualEncoder ? null : decl.standsInFor,
      }),
      async track(file: FileResources, onBatch?: (b: VisualBatch) => Promise<void>): Promise<VisualTrack | null> {
        const { info, sources } = file;
        if (!info.video) return null;
        const select = sources.person ?? o.face;
        const { detector, embedder } = await models.get();
        if (!onBatch) {
          if (o.faces === 'cropped-aligned') {
            if (sources.faceCrops) {
              const rows = sources.frames ?? (await probe(file.path, { countFrames: 'decode' })).video!.frameCount;
              file.notes.push(`faces: the dataset's aligned crops in ${sources.faceCrops}`);
              return asRows(await extractCropTrack(sources.faceCrops, rows, embedder, { fps: info.video.fps }));
            }
            file.notes.push('faces: no aligned crops for this item; detected in the video');
          }
          return asRows(await extractFaceTrack(file.path, detector, embedder, { detectEvery: o.detectEvery, info, select }));
        }
        // Two cores for one video: BlazeFace runs in a second process (decoding the video itself) ahead
        // of this one, which crops, embeds, and hands the rows on.
        const largest = (select ?? 'main') === 'main' || select === 'largest';
        const remote = o.faceProcess && detector && info.duration >= TWO_PROCESS_MIN_SECONDS ? new RemoteFaceDetections(file.path, { detectEvery: o.detectEvery, largest }) : null;
        try {
          const t = await extractFaceTrack(file.path, remote ?? detector, embedder, {
            detectEvery: o.detectEvery,
            info,
            select,
            onBatch: (b) => onBatch({ firstRow: b.firstRow, data: b.features, mask: b.mask, frames: b.count, fps: b.fps, times: b.times, faces: b.faces }),
          });
          return asRows(t);
        } finally {
          remote?.close();
        }
      },
      async clip(file, span) {
        const { detector, embedder } = await models.get();
        return clipFaceRows(file.path, file.info, detector, embedder, span, file.sources.person ?? o.face);
      },
      dispose: () => models.dispose(),
    };
  },
};
