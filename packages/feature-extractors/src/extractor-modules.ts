import * as fs from 'node:fs';
import * as path from 'node:path';
import { registerExtractor, type ExtractorDefinition } from './extractor-registry';

function isExtractorDefinition(x: unknown): x is ExtractorDefinition {
  const d = x as Partial<ExtractorDefinition> | null;
  return typeof d === 'object' && d !== null && typeof d.kind === 'string' && typeof d.modality === 'string' && Array.isArray(d.timings) && typeof d.create === 'function';
}

/**
 * Loads modules that define extractors (CommonJS files: `mer --extractor <module>`, the
 * `modules` extraction option): every exported {@link ExtractorDefinition} (a named export, or an
 * array of them) is registered; a module may also call `registerExtractor` itself.
 * @returns the kinds registered from exports
 */
export function loadExtractorModules(files: readonly string[]): string[] {
  const kinds: string[] = [];
  for (const spec of files) {
    const file = path.resolve(spec);
    if (!fs.existsSync(file)) throw new Error(`extractor module ${spec}: file not found`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(file) as Record<string, unknown>;
    const values = Object.values(mod).flatMap((v) => (Array.isArray(v) ? v : [v]));
    for (const value of values.filter(isExtractorDefinition)) {
      registerExtractor(value);
      kinds.push(value.kind);
    }
  }
  return kinds;
}
