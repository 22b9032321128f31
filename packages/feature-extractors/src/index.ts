export { loadGraphModelFromFile, humanModelPath } from './graph-model-files';
export { FaceDetector } from './face-detector';
export type { FaceBox, FaceDetectorOptions } from './face-detector';
export { FaceEmbedder } from './face-embedder';
export type { FaceEmbedderModel } from './face-embedder';
export { extractFaceTrack } from './face-track-extractor';
export type { FaceTrack, FaceTrackOptions } from './face-track-extractor';
