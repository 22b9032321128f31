import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TransformersTensorLike } from '@mer/backend';
import type { OnnxDevice } from './onnx-execution';
import { openOnnx, OnnxPlacement } from './onnx-session';
import { transformers } from './transformers-module';

/** Where hub models come from. */
export interface HubOptions {
  /**
   * Allow downloads from the Hugging Face hub (transformers.js' default cache). Default false: only
   * local folders and an already populated `localModelPath` work (offline).
   */
  allowRemote?: boolean;
  /** Folder holding `<model id>/` snapshots (transformers.js `env.localModelPath`). */
  localModelPath?: string;
  /** ONNX weights variant: 'fp32' (default), 'fp16', 'q8', … as the snapshot provides. */
  dtype?: 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4' | 'bnb4' | 'q4f16';
  /** Force ONNX Runtime's device; default 'auto': `onnxExecution`'s, following the tensor backend. */
  ep?: OnnxDevice | 'auto';
}

export type HubTensor = TransformersTensorLike & { dispose?: () => void };
export type HubModel = ((inputs: Record<string, unknown>) => Promise<Record<string, HubTensor>>) & { dispose(): Promise<unknown> };

/**
 * Points transformers.js at a model: a local folder (absolute or relative path that exists) is
 * loaded from disk with remote access off; anything else is a hub id, loaded from `localModelPath`
 * and, when `allowRemote`, the hub. Returns the id to hand to `from_pretrained`.
 */
export async function resolveModel(idOrPath: string, options: HubOptions): Promise<string> {
  const { env } = await transformers();
  const folder = path.resolve(idOrPath);
  if (fs.existsSync(path.join(folder, 'config.json'))) {
    env.allowLocalModels = true;
    env.allowRemoteModels = false;
    env.localModelPath = `${path.dirname(folder)}${path.sep}`;
    return path.basename(folder);
  }
  if (fs.existsSync(folder)) throw new Error(`${folder}: not a model folder (no config.json)`);
  env.allowLocalModels = true;
  env.allowRemoteModels = options.allowRemote ?? false;
  if (options.localModelPath) env.localModelPath = `${path.resolve(options.localModelPath)}${path.sep}`;
  return idOrPath;
}

export async function load<T>(what: string, idOrPath: string, fn: () => Promise<T>, options: HubOptions): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const offline = options.allowRemote ? '' : ' (offline: give a local model folder, or allowRemote with internet)';
    throw new Error(`${what} '${idOrPath}' could not be loaded${offline}: ${(e as Error).message}`);
  }
}

/**
 * A hub model's ONNX sessions through transformers.js, on the execution providers `onnxExecution`
 * decides (transformers.js' `device`, and ORT's providers in `session_options`).
 */
export async function loadHubModel(what: string, idOrPath: string, id: string, options: HubOptions): Promise<{ model: HubModel; placement: OnnxPlacement }> {
  const { AutoModel } = await transformers();
  const { value, placement } = await openOnnx(
    idOrPath,
    (e) => load(what, idOrPath, () => AutoModel.from_pretrained(id, { dtype: options.dtype ?? 'fp32', device: e.device, session_options: { executionProviders: [...e.executionProviders] } }), options),
    { ep: options.ep },
  );
  return { model: value as unknown as HubModel, placement };
}
