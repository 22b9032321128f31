export {
  AFFWILD2_UNLABELLED,
  readAffWild2,
  parseVaAnnotation,
  affWild2AnnotationDir,
  affWild2VideoName,
  croppedAlignedFrame,
  readAffWild2TestNames,
  writeAbawVaSubmission,
} from './affwild2';
export type { AffWild2Item, AffWild2Options, AffWild2Split, VaPrediction } from './affwild2';
export { RAVDESS_EMOTIONS, RAVDESS_FOLDS, parseRavdessName, ravdessAvtCaSplit, ravdessFoldSplit, readRavdess } from './ravdess';
export type { RavdessEmotion, RavdessName, RavdessItem, RavdessOptions } from './ravdess';
export { CREMA_D_EMOTIONS, CREMA_D_SENTENCES, CREMA_D_BROKEN, parseCremaDName, readCremaDRatings, readCremaD } from './crema-d';
export type { CremaDEmotion, CremaDName, CremaDRating, CremaDItem } from './crema-d';
export { MOSEI_LABELS, MOSEI_EMOTIONS, openCsd, readMoseiLabels, readMoseiFolds, loadH5wasm } from './cmu-mosei';
export { alignToSteps } from './csd-alignment';
export { writeCsd } from './csd-writer';
export type { CsdVideo } from './csd-writer';
export type { AlignedSteps } from './csd-alignment';
export type { CsdFile, CsdSequence, MoseiSegment, MoseiFolds } from './cmu-mosei';
export { EMODB_EMOTIONS, EMODB_SPEAKERS, parseEmoDbName, readEmoDb, emoDbSpeakerSplit } from './emodb';
export type { EmoDbItem } from './emodb';
export {
  TCN_FUSION_WINDOWS,
  fixedWindows,
  sliceWindow,
  OverlapAverager,
  clipFrameIndices,
  centreCropOrPad,
  alignToFrameCount,
} from './windowing';
export type { SequenceWindow, WindowOptions } from './windowing';
export { FeatureStore, configHash, storeItemName } from './feature-store';
export { GroupStandardisedSource, sequenceStats, standardiseFrames } from './group-standardisation';
export { RunningStats } from './running-stats';
export type { FeatureSource, SequenceStats } from './group-standardisation';
export type { FeatureManifest, FeatureStoreOptions, StoredSequence, StreamValues } from './feature-store';
export { SequenceDataset } from './sequence-dataset';
export type { LabelledItem, SequenceBatch, SequenceDatasetOptions } from './sequence-dataset';
export { walkFiles } from './walk-files';
export { foldSplits, parseFoldScheme, speakerFolds } from './speaker-folds';
export type { FoldScheme } from './speaker-folds';
export { registerDataset, listDatasets, findDataset, getDataset, datasetName, parseDatasetSpec, readDataset, foldSplit } from './dataset-registry';
export type {
  DatasetDefinition,
  DatasetFolds,
  DatasetItem,
  DatasetLabels,
  DatasetRead,
  DatasetReadOptions,
  PrecomputedExtractOptions,
  PrecomputedExtractReport,
  PrecomputedFeatures,
} from './dataset-definition';
export { BUILT_IN_DATASETS } from './built-in-datasets';
export { affWild2Items, affWild2FoldSplit } from './affwild2-protocol';
