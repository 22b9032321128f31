import * as fs from 'node:fs';
import * as path from 'node:path';
import { FeatureStore } from '@mer/datasets';
import { type ExtractionPlan, getExtractor, hasExtractor } from '@mer/feature-extractors';
import { type NetworkRecipe, presetStreams } from '@mer/training';

/** What `mer extract` computes for one preset of a network: its streams, each with the extractor that preset takes. */
export function extractionPlan(recipe: NetworkRecipe, preset: string): ExtractionPlan {
  return { name: recipe.name, timing: recipe.timing, streams: presetStreams(recipe, preset) };
}

/** Whether a features folder holds, for every stream of the preset, values of the kind its extractor writes (pixels or features). */
function holds(featuresDir: string, plan: ExtractionPlan, streams: Readonly<Record<string, string>> = {}): boolean {
  return plan.streams.every((d) => {
    if (!FeatureStore.exists(featuresDir, d.name)) return false;
    const kind = streams[d.name] ?? d.extractor;
    const wanted = hasExtractor(kind) ? (getExtractor(kind).values ?? 'features') : 'features';
    return (FeatureStore.read(featuresDir, d.name).manifest.values ?? 'features') === wanted;
  });
}

/**
 * The preset a features folder was extracted for: what its items.json records (`mer extract
 * --preset`), else — folders written before extraction followed the preset — the first of the
 * network's presets (its default first) whose streams the folder holds; the default when none does.
 */
export function folderPreset(recipe: NetworkRecipe, featuresDir: string, streams?: Readonly<Record<string, string>>): string {
  const index = path.join(featuresDir, 'items.json');
  const recorded = fs.existsSync(index) ? (JSON.parse(fs.readFileSync(index, 'utf8')) as { preset?: unknown }).preset : undefined;
  if (typeof recorded === 'string' && recipe.presets.includes(recorded)) return recorded;
  const order = [recipe.defaultPreset, ...recipe.presets.filter((p) => p !== recipe.defaultPreset)];
  return order.find((p) => holds(featuresDir, extractionPlan(recipe, p), streams)) ?? recipe.defaultPreset;
}
