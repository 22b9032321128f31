import * as tf from '@tensorflow/tfjs-core';
import { loadWeights, saveWeights, seedInitializers } from '@mer/attention-fusion';
import { folderFiles } from '@mer/media';
import type { StageHeads, TrainingStage } from '@mer/training';
import type { PipelineModel } from './pipeline-model';
import type { StageHooks } from './trainer';

/** A validation pass: the selection score and the metrics to log. */
export type Validation = () => Promise<{ score: number; metrics: Record<string, unknown> }>;

/** One stage's share of a network, as the trainer drives it; `dispose` frees the heads it added. */
export interface StagePart {
  hooks: StageHooks;
  /** What selects its kept epoch: the network's validation, or the mean of its heads' scores (each head's metrics logged). */
  validation(validateWith: (model: PipelineModel) => Validation): Validation;
  dispose(): void;
}

/** The variables of the parts `stage` trains (every variable for 'all'), or an error naming the parts there are. */
function stageVariables(model: PipelineModel, stage: TrainingStage): tf.Variable[] {
  if (stage.trains === 'all') return model.layer.variables();
  const owner = `${model.recipe.name}: stage '${stage.name}'`;
  if (!model.network.parts) throw new Error(`${owner} trains ${stage.trains.join(', ')}, but the network names no parts (RecipeNetwork.parts)`);
  const parts = model.network.parts();
  return stage.trains.flatMap((p) => {
    const v = parts[p];
    if (!v) throw new Error(`${owner} trains '${p}', which the network does not have (its parts: ${Object.keys(parts).join(', ')})`);
    return v;
  });
}

/**
 * Builds what the trainer needs for `stage` on `model`: the variables it trains (its parts, plus the
 * heads it adds, initialised from `seed`), the outputs whose losses add up, and the heads' weights
 * checkpointed beside the model so a resumed stage continues them.
 */
export function stagePart(model: PipelineModel, stage: TrainingStage, seed: number): StagePart {
  const variables = stageVariables(model, stage);
  const names = stage.heads ?? [];
  if (names.length === 0) return { hooks: { variables }, validation: (validateWith) => validateWith(model), dispose: () => undefined };
  if (!model.network.stageHeads) throw new Error(`${model.recipe.name}: stage '${stage.name}' adds heads ${names.join(', ')}, but the network builds none (RecipeNetwork.stageHeads)`);
  seedInitializers(seed);
  let heads: StageHeads;
  try {
    heads = model.network.stageHeads(names);
  } finally {
    seedInitializers(null);
  }
  const hooks: StageHooks = {
    variables: [...variables, ...heads.layer.variables()],
    outputs: (batch, options) => Object.values(model.forwardWith(heads, batch, options)),
    save: (dir) => saveWeights(heads.layer, folderFiles(dir), { model: 'stage-heads', stage: stage.name, heads: names }),
    load: (dir) => void loadWeights(heads.layer, folderFiles(dir)),
  };
  const validation = (validateWith: (model: PipelineModel) => Validation): Validation => {
    // One view per head: the same weights and standardisation, that head's output.
    const perHead = names.map((name) => {
      const view = model.view((streams, options) =>
        tf.tidy(() => {
          const out = heads.forward(streams, options);
          return out[name];
        }),
      );
      return [name, validateWith(view)] as const;
    });
    return async () => {
      const metrics: Record<string, unknown> = {};
      let sum = 0;
      for (const [name, validate] of perHead) {
        const v = await validate();
        metrics[name] = v.metrics;
        sum += v.score;
      }
      return { score: sum / perHead.length, metrics: { heads: metrics } };
    };
  };
  return { hooks, validation, dispose: () => heads.layer.dispose() };
}
