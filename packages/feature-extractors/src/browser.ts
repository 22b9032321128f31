/**
 * The part of this package a browser page runs (`mer live`): face detection, the expression model,
 * the category → valence/arousal table, speech detection, prosody, an utterance's speech functionals,
 * and what a clip run's `face` and `mfcc` streams are made of (the face crop, embedder and MFCCs), with their models passed in as
 * bytes (`model` options) instead of read from disk. A page bundler resolves `@mer/feature-extractors`
 * here (apps/live's bundle does), with `onnxruntime-node` resolved to `onnxruntime-web` (the same
 * `InferenceSession`/`Tensor` API). Everything here is also exported by `index.ts`.
 */
export { FaceDetector } from './face-detector';
export type { DetectionGeometry, DetectOptions, FaceBox, FaceDetectorOptions } from './face-detector';
export { FaceFollower, pickFace } from './face-follower';
export { FaceEmbedder } from './face-embedder';
export type { FaceEmbedderModel } from './face-embedder';
export { FACE_ROW_MARGIN, FACE_TRACK_GEOMETRY, faceRowBox, faceRowCrop } from './face-row-crop';
export { Mfcc, MFCC_DEFAULTS } from './mfcc';
export type { MfccConfig } from './mfcc';
export type { Spectrogram } from './log-mel-spectrogram';
export type { FaceSelection } from './face-follower';
export type { PixelFrame } from './pixel-frame';
export type { ConvertedGraph } from './frozen-graph';
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
