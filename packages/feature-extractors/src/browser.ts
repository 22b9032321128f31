/**
 * The part of this package a browser page runs (`mer live`): face detection, the expression model,
 * the category → valence/arousal table, speech detection, prosody, an utterance's speech functionals,
 * what a clip run's `face` and `mfcc` streams are made of (the face crop, embedder and MFCCs), and the
 * per-frame audio rows (log-mel, streamed and pooled; eGeMAPS descriptors, pooled), with their models passed in as
 * bytes (`model` options) instead of read from disk. A page bundler resolves `@mer/feature-extractors`
 * here (apps/live's bundle does), with `onnxruntime-node` resolved to `onnxruntime-web` (the same
 * `InferenceSession`/`Tensor` API). Everything here is also exported by `index.ts`.
 */
export { FaceDetector } from './face-detector';
export type { DetectionGeometry, DetectOptions, FaceBox, FaceDetectorOptions } from './face-detector';
export { FaceFollower, pickFace } from './face-follower';
export { FaceEmbedder } from './face-embedder';
export type { FaceEmbedderModel } from './face-embedder';
export { centreSquare, FACE_ROW_MARGIN, FACE_TRACK_GEOMETRY, faceRowBox, faceRowCrop } from './face-row-crop';
export { pixelRows } from './face-pixel-rows';
export type { FrameEmbedder } from './face-track-extractor';
export { Mfcc, MFCC_DEFAULTS } from './mfcc';
export { LogMelSpectrogram, LOG_MEL_DEFAULTS } from './log-mel-spectrogram';
export type { LogMelConfig } from './log-mel-spectrogram';
export { StreamingLogMel } from './streaming-log-mel';
export { frameTimes, pooledLogMel, vggishExamples } from './log-mel-pooling';
export type { LogMelPooling } from './log-mel-pooling';
export { EGEMAPS_CONFIG, egemapsLlds, EGEMAPS_LLD_NAMES } from './acoustic/egemaps-llds';
export type { AcousticLlds } from './acoustic/egemaps-llds';
export { EGEMAPS_LLD_DIM, poolLlds } from './acoustic/lld-pooling';
export type { MfccConfig } from './mfcc';
export type { Spectrogram } from './log-mel-spectrogram';
export type { FaceSelection } from './face-follower';
export type { PixelFrame } from './pixel-frame';
export type { ConvertedGraph, FrozenGraphRuntime } from './frozen-graph';
export { graphModelArtifacts, graphModelShardPaths } from './graph-model-artifacts';
export type { GraphModelJson } from './graph-model-artifacts';
export { ExpressionClassifier, EXPRESSION_CLASSES, EXPRESSION_CROPS, EXPRESSION_DETECTION } from './analysis/expression-classifier';
export { ANALYSIS_COLUMNS } from './analysis/analysis-columns';
export type { Expression, ExpressionCropMode } from './analysis/expression-classifier';
export { expressionVa, RUSSELL_MEHRABIAN_1977 } from './analysis/expression-va';
export type { CategoryVaTable } from './analysis/expression-va';
export { SpeechDetector } from './analysis/speech-detector';
export type { SpeechDetectorOptions, SpeechStream } from './analysis/speech-detector';
export { prosody, rowsAt } from './acoustic/prosody';
export type { Prosody } from './acoustic/prosody';
export { speechFunctionalsOfSamples } from './acoustic/speech-functionals-of-samples';
export { UTTERANCE_EXTRACTORS } from './acoustic/utterance-extractors';
export { SPEECH_FUNCTIONALS_DIM } from './acoustic/speech-functionals';
