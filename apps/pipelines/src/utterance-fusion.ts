import * as tf from '@tensorflow/tfjs-core';
import { memoryFiles, type ModelFiles } from '@mer/backend';
import { MerLayer, readModelManifest, type SavedModelManifest } from '@mer/attention-fusion';
import { FeatureStore } from '@mer/datasets';
import { ClassificationHead } from '@mer/heads';
import type { NetworkRecipe, RecipeNetwork } from '@mer/training';

/** The stream an utterance-level late fusion reads: one row per item ([B, 1, D]). */
export const UTTERANCE_STREAM = 'utterance';

/** A late-fused utterance head: its stream's extractor and the head on the standardised row. */
export interface UtteranceFusionConfig {
  /** The registered extractor of the `utterance` stream (one row per item). Default 'speech-functionals' (336-d). */
  extractor: string;
  /** A hidden ReLU layer's width; 0 (default): one Linear from the row to the class logits. */
  hidden: number;
  /** Dropout before the head's output layer during training. Default 0.2. */
  dropout: number;
}

/** mer's own defaults (no paper defines this head): a linear read-out of the functionals, lightly regularised. */
export const DEFAULT_UTTERANCE_FUSION: UtteranceFusionConfig = { extractor: 'speech-functionals', hidden: 0, dropout: 0.2 };

/** The full config of `given` (as recorded in pipeline.json), each field checked. */
export function utteranceFusionConfig(given: Partial<UtteranceFusionConfig> = {}): UtteranceFusionConfig {
  const c = { ...DEFAULT_UTTERANCE_FUSION, ...given };
  if (typeof c.extractor !== 'string' || c.extractor === '') throw new Error(`utterance fusion: extractor must name a registered extractor, got ${JSON.stringify(c.extractor)}`);
  if (!Number.isInteger(c.hidden) || c.hidden < 0) throw new Error(`utterance fusion: hidden must be a whole number ≥ 0 (0: linear), got ${c.hidden}`);
  if (!(c.dropout >= 0 && c.dropout < 1)) throw new Error(`utterance fusion: dropout must be in [0, 1), got ${c.dropout}`);
  return c;
}

/** The network's weights, then the utterance head's: checkpoints of the fused network load into it as one layer. */
class LateFusedLayer extends MerLayer {
  static className = 'MerLateFusedLayer';
  constructor(
    private readonly inner: MerLayer,
    private readonly head: ClassificationHead,
  ) {
    super({ name: `${inner.name}_late_fused` });
    this.track(inner);
    this.track(head);
    this.built = true;
  }

  /** The network's weights (trainable, then not), then the head's: the order the saved files hold. */
  override get weights(): MerLayer['weights'] {
    return [...this.inner.weights, ...this.head.weights];
  }
}

/** What `utterance-fusion.json` beside a fused network's model.json records. */
interface SavedFusion {
  format: 'mer-utterance-fusion/1';
  config: UtteranceFusionConfig;
  inputDim: number;
  numClasses: number;
  /** How many of model.json's weights are the network's own (the head's follow). */
  networkWeights: number;
}

const FUSION_FILE = 'utterance-fusion.json';

/**
 * `recipe` with an utterance-level stream late-fused into its class logits: the recipe's streams plus
 * `utterance` (one row per item, e.g. `speech-functionals` of the whole recording), and a network whose
 * logits are the recipe network's plus a small head's on that row (standardised like every stream),
 * trained jointly with the task's loss:
 *
 *   logits = f(streams) + W₂·ReLU(W₁·u + b₁) + b₂   (hidden > 0)   or   f(streams) + W·u + b
 *
 * Any clip-classification recipe composes with it; the name stays the recipe's (pipeline.json records
 * the fusion). Per-frame valence/arousal networks are refused: one whole-recording row would add the
 * same offset to every frame of a long video, which is not a per-frame signal.
 */
export function withUtteranceFusion(recipe: NetworkRecipe, given: Partial<UtteranceFusionConfig> = {}): NetworkRecipe {
  const config = utteranceFusionConfig(given);
  if (recipe.task !== 'classification' || recipe.timing.kind !== 'clip') {
    throw new Error(`${recipe.name}: utterance fusion adds clip-level class logits; this network predicts per-frame valence/arousal (a whole-recording row would shift every frame alike), so it takes no utterance stream`);
  }
  if (recipe.streams.some((s) => s.name === UTTERANCE_STREAM)) throw new Error(`${recipe.name}: already declares a stream '${UTTERANCE_STREAM}'`);
  return {
    ...recipe,
    description: `${recipe.description} + late-fused utterance logits (${config.extractor})`,
    streams: [...recipe.streams, { name: UTTERANCE_STREAM, modality: 'audio', extractor: config.extractor }],
    build: (widths, preset, options = {}) => {
      const { [UTTERANCE_STREAM]: inputDim, ...own } = widths;
      if (inputDim === undefined) throw new Error(`${recipe.name}: no '${UTTERANCE_STREAM}' stream among the extracted features (${Object.keys(widths).join(', ')}) — extract with --stream ${UTTERANCE_STREAM}=${config.extractor}`);
      const network = recipe.build(own, preset, options);
      if (network.fitClosedForm) throw new Error(`${recipe.name}: a closed-form network is not trained by gradient descent; late fusion needs a jointly trained network`);
      const numClasses = options.numClasses ?? recipe.defaultClasses?.length;
      if (!numClasses) throw new Error(`${recipe.name}: utterance fusion needs the number of classes`);
      return fusedNetwork(network, new ClassificationHead({ inputDim, numClasses, hidden: config.hidden, dropout: config.dropout, name: 'utterance_head' }), config);
    },
    load: (files) => {
      const bytes = files.read(FUSION_FILE);
      if (!bytes) throw new Error(`${files.location}: no ${FUSION_FILE} — this model was saved without utterance fusion`);
      const saved = JSON.parse(new TextDecoder().decode(bytes)) as SavedFusion;
      if (saved.format !== 'mer-utterance-fusion/1') throw new Error(`${files.location}/${FUSION_FILE}: unknown format ${String(saved.format)}`);
      const manifest = readModelManifest(files);
      // The recipe's own loader sees model.json with its own weights only (their offsets are unchanged).
      const own = memoryFiles(files.location);
      own.files.set('model.json', new TextEncoder().encode(JSON.stringify({ ...manifest, weights: manifest.weights.slice(0, saved.networkWeights) })));
      own.files.set('weights.bin', files.read('weights.bin') ?? new Uint8Array());
      const network = recipe.load(own);
      const head = new ClassificationHead({ inputDim: saved.inputDim, numClasses: saved.numClasses, hidden: saved.config.hidden, dropout: saved.config.dropout, name: 'utterance_head' });
      const fused = fusedNetwork(network, head, saved.config);
      setHeadWeights(head, manifest, files, saved.networkWeights);
      return fused;
    },
  };
}

function setHeadWeights(head: ClassificationHead, manifest: SavedModelManifest, files: ModelFiles, from: number): void {
  const bytes = files.read('weights.bin')!;
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const saved = manifest.weights.slice(from);
  if (saved.length !== head.weights.length) throw new Error(`${files.location}: ${saved.length} utterance-head weights saved, the head has ${head.weights.length}`);
  const tensors = saved.map((w) => tf.tensor(data.subarray(w.offset, w.offset + w.shape.reduce((a, b) => a * b, 1)), w.shape, 'float32'));
  head.setWeights(tensors);
  tf.dispose(tensors);
}

/** The recipe's network with the head's logits added; `layer` holds both (network first). */
function fusedNetwork(network: RecipeNetwork, head: ClassificationHead, config: UtteranceFusionConfig): RecipeNetwork {
  const layer = new LateFusedLayer(network.layer, head);
  return {
    ...network,
    layer,
    forward(streams, options = {}) {
      const { [UTTERANCE_STREAM]: utterance, ...own } = streams;
      if (!utterance) throw new Error(`late fusion: no '${UTTERANCE_STREAM}' stream in the batch (${Object.keys(streams).join(', ')})`);
      const out = network.forward(own, options);
      if (out.kind !== 'classification') throw new Error('late fusion: the network gave no class logits');
      const logits = tf.tidy(() => {
        const row = tf.mean(utterance, 1) as tf.Tensor2D; // [B, 1, D] → [B, D] (the stream's one row)
        return tf.add(out.logits, head.apply(row, { training: options.training }) as tf.Tensor2D) as tf.Tensor2D; // [B, K]
      });
      out.logits.dispose();
      return { kind: 'classification', logits };
    },
    async save(files) {
      // The network writes its own model.json + weights.bin; the head's weights are appended to both.
      const own = memoryFiles(files.location);
      await network.save(own);
      const manifest = readModelManifest(own);
      const ownBytes = own.files.get('weights.bin')!;
      const values = head.getWeights();
      const sizes = values.map((v) => v.size);
      const data = new Float32Array(ownBytes.byteLength / 4 + sizes.reduce((a, b) => a + b, 0));
      new Uint8Array(data.buffer).set(ownBytes);
      let offset = ownBytes.byteLength / 4;
      const weights = [...manifest.weights];
      for (const [i, v] of values.entries()) {
        data.set(await v.data(), offset);
        weights.push({ name: head.weights[i].name, shape: v.shape, offset });
        offset += sizes[i];
      }
      const saved: SavedFusion = { format: 'mer-utterance-fusion/1', config, inputDim: head.args.inputDim, numClasses: head.args.numClasses, networkWeights: manifest.weights.length };
      for (const [name, bytes] of own.files) if (name !== 'model.json' && name !== 'weights.bin') await files.write(name, bytes);
      await files.write('weights.bin', new Uint8Array(data.buffer));
      await files.write(FUSION_FILE, new TextEncoder().encode(JSON.stringify(saved, null, 2)));
      await files.write('model.json', new TextEncoder().encode(JSON.stringify({ ...manifest, weights }, null, 2)));
    },
  };
}

/**
 * Extractor options for a pipeline: an unfused run on features that hold an utterance stream drops
 * its `--stream utterance=…` choice (the recipe has no such stream); a fused one keeps or sets it.
 */
export function utteranceStreamOptions<T extends { streams?: Record<string, string> }>(extractor: T, fusion: UtteranceFusionConfig | null): T {
  const { [UTTERANCE_STREAM]: chosen, ...rest } = extractor.streams ?? {};
  if (!fusion) return chosen === undefined ? extractor : { ...extractor, streams: Object.keys(rest).length > 0 ? rest : undefined };
  return { ...extractor, streams: { ...rest, [UTTERANCE_STREAM]: chosen ?? fusion.extractor } };
}

/**
 * The recipe a pipeline builds (the registered one, or it with utterance fusion), the fusion's full
 * config (its extractor: `--stream utterance=…` when given) and the extractor options to use.
 */
export function fusedSetup<T extends { streams?: Record<string, string> }>(base: NetworkRecipe, utterance: Partial<UtteranceFusionConfig> | undefined, extractor: T): { recipe: NetworkRecipe; fusion: UtteranceFusionConfig | null; extractor: T } {
  if (!utterance) return { recipe: base, fusion: null, extractor: utteranceStreamOptions(extractor, null) };
  const chosen = extractor.streams?.[UTTERANCE_STREAM];
  const fusion = utteranceFusionConfig({ ...utterance, ...(chosen ? { extractor: chosen } : {}) });
  return { recipe: withUtteranceFusion(base, fusion), fusion, extractor: utteranceStreamOptions(extractor, fusion) };
}

/** `utterance` with its extractor as the features folder records it, when the folder holds the stream and nothing names one. */
export function recordedUtterance(features: string, utterance: Partial<UtteranceFusionConfig>): Partial<UtteranceFusionConfig> {
  if (utterance.extractor || !FeatureStore.exists(features, UTTERANCE_STREAM)) return utterance;
  return { extractor: FeatureStore.read(features, UTTERANCE_STREAM).manifest.extractor, ...utterance };
}
