import type { ExtractorDefinition } from '../extractor-registry';
import { hubAudioExtractor, vggishExtractor } from './audio-model-extractors';
import { egemapsExtractor, egemapsFunctionalsExtractor } from './egemaps-extractors';
import { faceCropsExtractor } from './face-crops-extractor';
import { faceExtractor } from './face-extractor';
import { logMelHalvesExtractor, logMelMeanStdExtractor, logMelWithDescriptorsExtractor } from './log-mel-extractors';
import { mfccExtractor } from './mfcc-extractor';
import { speechFunctionalsExtractor } from './speech-functionals-extractor';
import { hashedWordsExtractor, hubTextExtractor } from './text-extractors';

/** The extractors mer ships, registered when the package loads. */
export const BUILTIN_EXTRACTORS: readonly ExtractorDefinition[] = [
  faceExtractor,
  faceCropsExtractor,
  logMelMeanStdExtractor,
  logMelHalvesExtractor,
  vggishExtractor,
  hubAudioExtractor,
  hashedWordsExtractor,
  hubTextExtractor,
  mfccExtractor,
  egemapsExtractor,
  egemapsFunctionalsExtractor,
  logMelWithDescriptorsExtractor,
  speechFunctionalsExtractor,
];
