import type { Options } from 'tsup';

/**
 * Shared tsup preset: one CommonJS bundle per package from `src/index.ts` with type declarations.
 * Every `@mer/*` package, tfjs and transformers.js stay external so an app holds exactly one copy
 * of each (one tfjs-core instance).
 */
export function tsupPreset(overrides: Partial<Options> = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['cjs'],
    target: 'node20',
    platform: 'node',
    dts: true,
    clean: true,
    sourcemap: true,
    splitting: false,
    external: [/^@mer\//, /^@tensorflow\//, /^@huggingface\//, /^onnxruntime/],
    ...overrides,
  };
}
