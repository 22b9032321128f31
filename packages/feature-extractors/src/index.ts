export { loadGraphModelFromFile, humanModelPath, readGraphModelFiles } from './graph-model-files';
export { FrozenGraph } from './frozen-graph';
export { onnxExecution, describeOnnxExecution, ONNX_EP_ENV } from './onnx-execution';
export type { OnnxDevice, OnnxExecution, OnnxExecutionOptions, OnnxExecutionProvider } from './onnx-execution';
export { openOnnx, createOnnxSession } from './onnx-session';
export type { OnnxPlacement, OnnxSessionOptions } from './onnx-session';
export type { PixelFrame } from './pixel-frame';
export type { ConvertedGraph, FrozenGraphOptions, FrozenGraphRuntime } from './frozen-graph';
export { graphModelArtifacts, graphModelShardPaths } from './graph-model-artifacts';
export type { GraphModelJson } from './graph-model-artifacts';
export { graphDefToOnnx } from './graph-to-onnx';
export type { GraphConstant, GraphDefNode, GraphToOnnxOptions, PixelInput } from './graph-to-onnx';
export { FaceDetector } from './face-detector';
export type { DetectionGeometry, DetectOptions, FaceBox, FaceDetectorOptions } from './face-detector';
export { DETECTION_WINDOWS, detectionWindows, minimumFaceSize, windowPixels } from './detection-windows';
export type { DetectionWindow } from './detection-windows';
export { FACE_DECODE, faceDecodeSize } from './face-decode-size';
export { FaceEmbedder } from './face-embedder';
export type { FaceEmbedderModel } from './face-embedder';
export { extractFaceTrack } from './face-track-extractor';
export { FaceFollower, pickFace } from './face-follower';
export type { FaceSelection } from './face-follower';
export { extractCropTrack } from './crop-track-extractor';
export { centreSquare, FACE_ROW_MARGIN, FACE_TRACK_GEOMETRY, faceRowBox, faceRowCrop } from './face-row-crop';
export type { FaceTrack, FaceTrackOptions, FaceRows } from './face-track-extractor';
export { LogMelSpectrogram, LOG_MEL_DEFAULTS, vggishMelFilters } from './log-mel-spectrogram';
export type { LogMelConfig, Spectrogram } from './log-mel-spectrogram';
export { Mfcc, MFCC_DEFAULTS } from './mfcc';
export type { MfccConfig } from './mfcc';
export { logMelOfFile, RollingLogMel } from './audio-frame-features';
export { StreamingLogMel } from './streaming-log-mel';
export { vggishExamples, pooledLogMel, frameTimes } from './log-mel-pooling';
export type { LogMelPooling } from './log-mel-pooling';
export { parseTranscript, readTranscript, interpolateToFrames, interpolateToTimes } from './transcript';
export type { TranscriptSegment, FrameAlignedText } from './transcript';
export { HashedTextEncoder } from './hashed-text-encoder';
export { PipelineExtractor } from './pipeline-extractor';
export { mergeExtractionReports } from './extraction-report';
export type {
  ExtractionPlan,
  StreamSpec,
  PipelineExtractorOptions,
  ExtractedStream,
  ExtractedItem,
  FrameChunk,
  ItemSources,
  ExtractionInput,
  ExtractionReport,
  PrecomputedStream,
} from './extraction-types';
export { registerExtractor, getExtractor, hasExtractor, listExtractors } from './extractor-registry';
export type { ExtractorDefinition, ExtractorSetup, StreamExtractor, StreamRows, FrameRowsRequest, VisualTrack, VisualBatch, ClipSpan, ResolvedOptions } from './extractor-registry';
export { FileResources } from './file-resources';
export { loadExtractorModules } from './extractor-modules';
export { VGGISH_LOG_MEL } from './extractors/log-mel-extractors';
export { EGEMAPS_CONFIG } from './acoustic/egemaps-llds';
export type { FrameEmbedder } from './face-track-extractor';
export { HubImageEncoder, HubAudioEncoder, HubTextEncoder } from './hub-encoders';
export type { FrameAlignedAudio } from './hub-encoders';
export type { HubOptions } from './hub-model';
export { SpeechTranscriber, segmentsFromAsr } from './speech-transcriber';
export type { AsrOutput } from './speech-transcriber';
export { VggishNetwork } from './vggish-network';
export { extractFaceCrops } from './face-crops';
export { pixelRows } from './face-pixel-rows';
export type { FaceCrops } from './face-crops';
export { egemapsLlds, EGEMAPS_LLD_NAMES } from './acoustic/egemaps-llds';
export type { AcousticLlds } from './acoustic/egemaps-llds';
export { egemapsFunctionals } from './acoustic/egemaps-functionals';
export { speechFunctionalsOfSamples } from './acoustic/speech-functionals-of-samples';
export { UTTERANCE_EXTRACTORS } from './acoustic/utterance-extractors';
export { SPEECH_FUNCTIONALS_DIM } from './acoustic/speech-functionals';
export { egemapsOfFile, EGEMAPS_FUNCTIONALS_DIM } from './acoustic/acoustic-file';
export { poolLlds, EGEMAPS_LLD_DIM } from './acoustic/lld-pooling';
export { trackPitch } from './acoustic/pitch';
export type { PitchOptions, PitchTrack } from './acoustic/pitch';
export { glottalPulses, voiceQuality } from './acoustic/glottal-pulses';
export type { VoiceQuality } from './acoustic/glottal-pulses';
export { trackFormants } from './acoustic/formants';
export type { FormantOptions, FormantTrack } from './acoustic/formants';
export { voiceReport } from './acoustic/voice-report';
export type { VoiceReport } from './acoustic/voice-report';
export { ExpressionClassifier, EXPRESSION_CLASSES, EXPRESSION_CROPS, EXPRESSION_DETECTION } from './analysis/expression-classifier';
export { ANALYSIS_COLUMNS } from './analysis/analysis-columns';
export type { Expression, ExpressionCropMode } from './analysis/expression-classifier';
export { alignedCrops, eyeLineAngle, noseMouthAngle } from './analysis/aligned-crops';
export type { CropOptions } from './analysis/aligned-crops';
export { SpeechDetector } from './analysis/speech-detector';
export type { SpeechDetectorOptions, SpeechStream } from './analysis/speech-detector';
export { prosody, rowsAt } from './acoustic/prosody';
export type { Prosody } from './acoustic/prosody';
export { FaceTracker } from './face-tracker';
export type { FaceTrackerOptions, TrackedFace } from './face-tracker';
export { expressionVa, readVaTable, RUSSELL_MEHRABIAN_1977 } from './analysis/expression-va';
export type { CategoryVaTable } from './analysis/expression-va';
export { cropExpressionFaces, detectExpressionFaces, followOne } from './analysis/expression-face-stream';
export type { DetectedFaceBatch, ExpressionFaceBatch, ExpressionFaceOptions, FacePick } from './analysis/expression-face-stream';
export { detectExpressionFacesInProcess, RemoteFaceDetections, TWO_PROCESS_MIN_SECONDS } from './face-track-process';
export type { DetectionProcessOptions, ExpressionFaceProcessOptions } from './face-track-process';
