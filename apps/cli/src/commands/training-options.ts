import * as fs from 'node:fs';
import type { TrainingConfig } from '@mer/pipelines';

/** `--config <file>` (JSON training overrides, with an optional `model` block) and `--epochs`. */
export function readTrainingConfig(config: string | undefined, epochs: number | undefined): { training: Partial<TrainingConfig>; model?: Record<string, unknown> } {
  let parsed: Partial<TrainingConfig> & { model?: Record<string, unknown> } = {};
  if (config) {
    if (!fs.existsSync(config)) throw new Error(`${config}: config file not found`);
    try {
      parsed = JSON.parse(fs.readFileSync(config, 'utf8')) as typeof parsed;
    } catch (e) {
      throw new Error(`${config}: not valid JSON (${(e as Error).message})`);
    }
  }
  const { model, ...training } = parsed;
  if (epochs !== undefined) training.epochs = epochs;
  return { training, model };
}
