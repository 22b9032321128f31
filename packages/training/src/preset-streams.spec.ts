import { presetStreams, type NetworkRecipe } from './network-recipe';
import { networkRecipe, registerNetwork } from './network-registry';
import { TRAINING_COMMON } from './training-config';

/** A recipe whose 'raw' preset learns from face crops; its other presets take face embeddings. */
const recipe: NetworkRecipe = {
  name: 'test-preset-streams',
  description: 'test',
  task: 'classification',
  timing: { kind: 'clip', seconds: 1, frames: 4 },
  streams: [
    { name: 'video', modality: 'visual', extractor: 'face', presetExtractors: { raw: 'face-crops' } },
    { name: 'audio', modality: 'audio', extractor: 'mfcc' },
  ],
  presets: ['raw', 'small'],
  defaultPreset: 'raw',
  training: { paper: { ...TRAINING_COMMON, optimizer: 'adam', learningRate: 1e-3, weightDecay: 0, batchSize: 2, epochs: 1, loss: 'cross-entropy', scheduler: { kind: 'none' }, window: null } },
  build: () => {
    throw new Error('not built here');
  },
  load: () => {
    throw new Error('not loaded here');
  },
};

describe('per-preset stream extractors', () => {
  it("a preset's streams name the extractor that preset takes; the others keep the stream's default", () => {
    expect(presetStreams(recipe, 'raw').map((d) => d.extractor)).toEqual(['face-crops', 'mfcc']);
    expect(presetStreams(recipe, 'small').map((d) => d.extractor)).toEqual(['face', 'mfcc']);
    expect(presetStreams(recipe, 'small')[0]).toBe(recipe.streams[0]);
  });

  it('registering a recipe whose stream names an extractor for an unknown preset is an error naming both', () => {
    registerNetwork(recipe);
    expect(networkRecipe('test-preset-streams')).toBe(recipe);
    const bad = { ...recipe, streams: [{ ...recipe.streams[0], presetExtractors: { rwa: 'face-crops' } }, recipe.streams[1]] };
    expect(() => registerNetwork(bad)).toThrow("network 'test-preset-streams': stream 'video' names an extractor for preset 'rwa', not among its presets (raw, small)");
  });
});
