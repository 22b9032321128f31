/**
 * The second process of two-process analysis and prediction (see face-track-process.ts): decodes a
 * video and runs BlazeFace on it, streaming results back batch by batch, never more than
 * FACE_QUEUE_DEPTH batches ahead of the parent's acknowledgements.
 */
import { initBackend } from '@mer/backend';
import { probe, readVideoFrames } from '@mer/media';
import { EXPRESSION_DETECTION } from './analysis/expression-classifier';
import { cropExpressionFaces, detectExpressionFaces, followOne } from './analysis/expression-face-stream';
import { faceDecodeSize } from './face-decode-size';
import { FaceDetector } from './face-detector';
import { DetectionBatch, FACE_QUEUE_DEPTH, FaceProcessMessage, FaceProcessRequest } from './face-track-process';

let inFlight = 0;
let wake: (() => void) | null = null;

const send = (m: FaceProcessMessage) => new Promise<void>((resolve, reject) => process.send!(m, (err: Error | null) => (err ? reject(err) : resolve())));

/** Sends a batch once fewer than FACE_QUEUE_DEPTH are waiting for the parent. */
async function sendBatch(batch: Extract<FaceProcessMessage, { type: 'batch' }>['batch']): Promise<void> {
  while (inFlight >= FACE_QUEUE_DEPTH) await new Promise<void>((r) => (wake = r));
  inFlight++;
  await send({ type: 'batch', batch });
}

/** `mer analyze`: the followed person's faces and their crops. */
async function runExpression(req: FaceProcessRequest & { type: 'start-expression' }): Promise<void> {
  await initBackend();
  const detector = await FaceDetector.load();
  const crop = req.options.crop ?? 'eyes';
  try {
    await detectExpressionFaces(req.file, detector, { detectEvery: req.options.detectEvery, geometry: EXPRESSION_DETECTION[crop] }, followOne(req.options.select), async (b) => sendBatch(await cropExpressionFaces(b, crop)));
    await send({ type: 'done' });
  } finally {
    detector.dispose();
  }
}

/** Prediction: the detector's faces on every N-th decoded frame, decoded as the parent decodes. */
async function runDetect(req: FaceProcessRequest & { type: 'start-detect' }): Promise<void> {
  await initBackend();
  const detector = await FaceDetector.load(req.options.detector ?? {});
  const every = Math.max(1, req.options.detectEvery);
  try {
    const info = await probe(req.file);
    const decode = faceDecodeSize(info);
    const size = req.options.decodeWidth ? { width: req.options.decodeWidth } : { width: decode.width, height: decode.height, batchSize: decode.batchSize };
    for await (const b of readVideoFrames(req.file, { ...size, info })) {
      const bytes = b.height * b.width * 3;
      const batch: DetectionBatch = { detections: [] };
      for (let i = 0; i < b.count; i++) {
        const index = b.firstIndex + i;
        if (index % every !== 0) continue;
        const frame = { data: b.data.subarray(i * bytes, (i + 1) * bytes), height: b.height, width: b.width };
        batch.detections.push({ index, faces: await detector.detectPixels(frame, { largest: req.options.largest }) });
      }
      if (batch.detections.length > 0) await sendBatch(batch);
    }
    await send({ type: 'done' });
  } finally {
    detector.dispose();
  }
}

process.on('message', (m: FaceProcessRequest) => {
  if (m.type === 'ack') {
    inFlight--;
    wake?.();
    wake = null;
    return;
  }
  (m.type === 'start-detect' ? runDetect(m) : runExpression(m))
    .then(() => process.disconnect())
    .catch((e: Error) => {
      process.send!({ type: 'error', message: e.message } satisfies FaceProcessMessage, () => process.exit(1));
    });
});
