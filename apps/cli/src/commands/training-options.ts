import * as fs from 'node:fs';
import { parseTrainingOverrides, TrainingConfig } from '@mer/pipelines';

/**
 * `--config <file>` (JSON training overrides, with an optional `model` block) and `--epochs`. The
 * training keys are checked here, naming the file (unknown keys with the nearest valid one, types,
 * ranges); the `model` block is checked against the chosen preset when the pipeline is built.
 */
export function readTrainingConfig(config: string | undefined, epochs: number | undefined): { training: Partial<TrainingConfig>; model?: Record<string, unknown> } {
  let parsed: unknown = {};
  if (config) {
    if (!fs.existsSync(config)) throw new Error(`${config}: config file not found`);
    try {
      parsed = JSON.parse(fs.readFileSync(config, 'utf8'));
    } catch (e) {
      throw new Error(`${config}: not valid JSON (${(e as Error).message})`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${config}: expected a JSON object of training keys (and an optional "model" object), got ${JSON.stringify(parsed).slice(0, 40)}`);
  }
  const { model, ...rest } = parsed as Record<string, unknown>;
  if (model !== undefined && (!model || typeof model !== 'object' || Array.isArray(model))) throw new Error(`${config}: model: expected an object of the preset's model keys, got ${JSON.stringify(model)}`);
  const training = parseTrainingOverrides(rest, config ?? '--config');
  if (epochs !== undefined) training.epochs = epochs;
  return { training, model: model as Record<string, unknown> | undefined };
}
