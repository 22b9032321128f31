import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend } from '@mer/backend';
import { PipelineExtractor, PipelineExtractorOptions } from '@mer/feature-extractors';
import type { NetworkRecipe } from '@mer/training';
import { loadCommittee } from './committee-model';
import { extractionPlan, folderPreset } from './extraction-preset';
import { resolveRecipe } from './network-registry';
import { Pipeline } from './pipeline';
import { readManifest } from './pipeline-manifest';
import { PipelineModel } from './pipeline-model';
import type { PipelineOptions } from './pipeline-types';
import { taskFor } from './tasks/task-registry';
import { modelOverrides, trainingConfig } from './training-config';
import { fusedSetup } from './utterance-fusion';

/** Builds a pipeline for a registered network (by name) or a recipe: extractors now (or, on a features folder, when an item needs them), the network on first fit. */
export async function createPipeline(network: string | NetworkRecipe, options: PipelineOptions = {}): Promise<Pipeline> {
  // With `utterance`: the recipe plus a late-fused utterance stream (the registered recipe is unchanged).
  const { recipe, fusion, extractor: extractorOptions } = fusedSetup(resolveRecipe(network), options.utterance, options.extractor ?? {});
  // Every option is checked before anything loads or is written.
  const task = taskFor(recipe, options);
  const classes = task.needsClasses ? (options.classes ?? recipe.defaultClasses) : undefined;
  if (task.needsClasses && !classes) throw new Error(`${recipe.name}: a classification network needs class names (options.classes)`);
  const training = trainingConfig(recipe, options.training, options.profile);
  // On a features folder, the preset it was extracted for unless one is named.
  const preset = options.preset ?? (options.features ? folderPreset(recipe, options.features, extractorOptions.streams) : recipe.defaultPreset);
  const model = modelOverrides(recipe, preset, options.model);
  await initBackend();
  // What this preset takes (e.g. AVT-CA's paper preset: face crops). Stored features: the folder's
  // streams, models only if an item must be extracted (sklearn's fit on arrays).
  const plan = extractionPlan(recipe, preset);
  const recorded = options.features ? PipelineExtractor.recordedIn(options.features, plan, extractorOptions) : null;
  const extractor = recorded ? PipelineExtractor.deferred(plan, extractorOptions, recorded) : await PipelineExtractor.create(plan, extractorOptions);
  const pipeline = new Pipeline(recipe, preset, extractor, training, classes, model, null, extractorOptions, task);
  pipeline.utterance = fusion;
  return pipeline;
}

/**
 * Loads a trained pipeline from a run folder (its `pipeline.json` and best model). `extractor`
 * changes how new media are read (e.g. `{ face: 'left' }`), not what the model was trained on.
 */
export async function loadPipeline(runDir: string, reading: Partial<PipelineExtractorOptions> = {}): Promise<Pipeline> {
  const m = readManifest(runDir);
  m.extractor = { ...m.extractor, ...reading };
  // A committee's members are runs of their own (`<run>/members/<k>`); their mean is the prediction.
  if (m.committee) return loadCommittee(runDir, m, reading);
  const { recipe, fusion } = fusedSetup(resolveRecipe(m.pipeline), m.utterance, m.extractor);
  const task = taskFor(recipe, m);
  await initBackend();
  const best = path.join(runDir, 'best');
  if (!fs.existsSync(best)) throw new Error(`${runDir}: no trained model yet (no best/ folder) — was training interrupted before the first epoch ended?`);
  // The streams the network was trained on; the extractors load for the first file to predict.
  const plan = extractionPlan(recipe, m.preset);
  const extractor = m.streams ? PipelineExtractor.deferred(plan, m.extractor, m.streams) : await PipelineExtractor.create(plan, m.extractor);
  const model = PipelineModel.load(recipe, best);
  const pipeline = new Pipeline(recipe, m.preset, extractor, m.training, m.classes, m.model, model, m.extractor, task);
  if (m.normalisation) pipeline.setNormalisation(m.normalisation);
  pipeline.selection = m.selection;
  pipeline.stages = m.stages;
  pipeline.utterance = fusion;
  return pipeline;
}
