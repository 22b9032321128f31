import { nearestKey, parseModelOverrides, parseTrainingOverrides } from './config-schema';
import { SMALL_DATA_TRAINING } from './training-config';

describe('training overrides schema', () => {
  it('accepts every field of a real profile, and partial overrides', () => {
    expect(parseTrainingOverrides({ ...SMALL_DATA_TRAINING }, 'x')).toEqual({ ...SMALL_DATA_TRAINING });
    expect(parseTrainingOverrides({ learningRate: 1e-3, epochs: 30, window: { size: 16, hop: 8 } }, 'x')).toEqual({ learningRate: 1e-3, epochs: 30, window: { size: 16, hop: 8 } });
  });

  it('an unknown key is an error that names the file and suggests the nearest valid key', () => {
    expect(() => parseTrainingOverrides({ learningrate: 0.01 }, 'cfg.json')).toThrow("cfg.json:\n  learningrate: unknown key — did you mean 'learningRate'?");
    expect(() => parseTrainingOverrides({ epoch: 3 }, 'cfg.json')).toThrow("epoch: unknown key — did you mean 'epochs'?");
    expect(() => parseTrainingOverrides({ scheduler: { kind: 'plateau', factor: 0.5, patiance: 3 } }, 'c')).toThrow(/scheduler/);
    expect(() => parseTrainingOverrides({ zzzzzzzz: 1 }, 'c')).toThrow(/zzzzzzzz: unknown key \(valid: optimizer, learningRate/);
  });

  it('a wrong type or range names the key, what it expects and what it got', () => {
    expect(() => parseTrainingOverrides({ learningRate: 'abc' }, 'c')).toThrow('learningRate: expected a number > 0, got "abc"');
    expect(() => parseTrainingOverrides({ epochs: 0 }, 'c')).toThrow('epochs: expected a whole number ≥ 1 (epochs), got 0');
    expect(() => parseTrainingOverrides({ batchSize: 2.5 }, 'c')).toThrow('batchSize: expected a whole number ≥ 1 (items per batch), got 2.5');
    expect(() => parseTrainingOverrides({ optimizer: 'adamm' }, 'c')).toThrow(`optimizer: expected one of 'adamw', 'adam', 'sgd', got "adamm"`);
    expect(() => parseTrainingOverrides({ window: { size: 0, hop: 4 } }, 'c')).toThrow('window.size: expected a whole number ≥ 1 (frames), got 0');
    expect(() => parseTrainingOverrides({ learningRate: 'abc', epochs: -1 }, 'c')).toThrow(/learningRate[\s\S]*\n {2}epochs/);
  });

  it('nearestKey only suggests near keys', () => {
    expect(nearestKey('batchsize', ['batchSize', 'epochs'])).toBe('batchSize');
    expect(nearestKey('colour', ['batchSize', 'epochs'])).toBeUndefined();
  });
});

describe('model overrides against a preset', () => {
  const preset = { dModel: 256, heads: 8, pooling: 'max', tcn: { kernel: 3, dilations: [1, 2, 4] }, useText: true, note: null };

  it('takes keys of the preset with the types of their defaults, nested strictly', () => {
    expect(parseModelOverrides({ dModel: 64, pooling: 'mean', tcn: { dilations: [1, 2] }, note: 'x' }, preset, 'm')).toEqual({ dModel: 64, pooling: 'mean', tcn: { dilations: [1, 2] }, note: 'x' });
  });

  it('refuses unknown keys (with a suggestion) and wrong types, naming the path', () => {
    expect(() => parseModelOverrides({ dmodel: 64 }, preset, 'avt-ca: model overrides')).toThrow("avt-ca: model overrides:\n  dmodel: unknown key — did you mean 'dModel'?");
    expect(() => parseModelOverrides({ heads: '8' }, preset, 'm')).toThrow('heads: expected a number, got "8"');
    expect(() => parseModelOverrides({ tcn: { kernal: 5 } }, preset, 'm')).toThrow("tcn.kernal: unknown key — did you mean 'kernel'?");
    expect(() => parseModelOverrides({ useText: 1 }, preset, 'm')).toThrow('useText: expected true or false, got 1');
  });
});
