import * as fs from 'node:fs';
import { DEFAULT_UTTERANCE_FUSION, parseTrainingOverrides, TrainingConfig, utteranceFusionConfig, type UtteranceFusionConfig } from '@mer/pipelines';

/**
 * `--config <file>` (JSON training overrides, with an optional `model` block) and `--epochs`. The
 * training keys are checked here, naming the file (unknown keys with the nearest valid one, types,
 * ranges); the `model` block is checked against the chosen preset when the pipeline is built.
 */
export function readTrainingConfig(config: string | undefined, epochs: number | undefined): { training: Partial<TrainingConfig>; model?: Record<string, unknown>; utterance?: Partial<UtteranceFusionConfig> } {
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
  const { model, utterance, ...rest } = parsed as Record<string, unknown>;
  if (model !== undefined && (!model || typeof model !== 'object' || Array.isArray(model))) throw new Error(`${config}: model: expected an object of the preset's model keys, got ${JSON.stringify(model)}`);
  const training = parseTrainingOverrides(rest, config ?? '--config');
  if (epochs !== undefined) training.epochs = epochs;
  return { training, model: model as Record<string, unknown> | undefined, ...(utterance !== undefined ? { utterance: checkUtterance(utterance, config!) } : {}) };
}

/** `"utterance": {"hidden": 64, "dropout": 0.2, "extractor": "speech-functionals"}` in --config: the late-fused head. */
function checkUtterance(given: unknown, config: string): Partial<UtteranceFusionConfig> {
  if (!given || typeof given !== 'object' || Array.isArray(given)) throw new Error(`${config}: utterance: expected an object such as {"hidden": 64}, got ${JSON.stringify(given)}`);
  const unknown = Object.keys(given).filter((k) => !(k in DEFAULT_UTTERANCE_FUSION));
  if (unknown.length > 0) throw new Error(`${config}: utterance: unknown key(s) ${unknown.join(', ')} (keys: ${Object.keys(DEFAULT_UTTERANCE_FUSION).join(', ')})`);
  try {
    utteranceFusionConfig(given as Partial<UtteranceFusionConfig>);
  } catch (e) {
    throw new Error(`${config}: ${(e as Error).message}`);
  }
  return given as Partial<UtteranceFusionConfig>;
}
