import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

/** `model.json` of a converted VGGish: tensor names (torchvggish's state_dict keys) and shapes. */
interface VggishManifest {
  format: 'mer-vggish';
  tensors: { name: string; shape: number[] }[];
}

const CONVS = ['features.0', 'features.3', 'features.6', 'features.8', 'features.11', 'features.13'];
/** A 2×2 max-pool follows these convolutions (VGGish: after conv1, conv2, conv3_2, conv4_2). */
const POOL_AFTER = new Set(['features.0', 'features.3', 'features.8', 'features.13']);
const FCS = ['embeddings.0', 'embeddings.2', 'embeddings.4'];

/**
 * The VGGish audio embedding network (Hershey et al.; TCN-fusion's 128-d audio stream) in tfjs,
 * running converted weights: 6 × conv3×3 (+ReLU) with 4 max-pools, then 3 fully connected layers
 * (+ReLU), input the 96 × 64 log-mel patches of {@link vggishExamples}. Weights come from a folder
 * with `model.json` + `weights.bin` written by `tools/convert/vggish_torch_to_mer.py` from a
 * torchvggish state_dict (keys `features.N.*`, `embeddings.N.*`, optional `pproc._pca_*`); layer
 * widths follow the stored shapes. With `postprocess` the AudioSet PCA whitening, clipping to
 * [−2, 2] and 8-bit quantisation of the release are applied (as 0–255 floats).
 */
export class VggishNetwork {
  private constructor(
    private readonly weights: Map<string, tf.Tensor>,
    readonly dim: number,
  ) {}

  static load(dir: string): VggishNetwork {
    const manifestFile = path.join(dir, 'model.json');
    const binFile = path.join(dir, 'weights.bin');
    if (!fs.existsSync(manifestFile) || !fs.existsSync(binFile)) throw new Error(`${dir}: not a converted VGGish (needs model.json and weights.bin)`);
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as VggishManifest;
    if (manifest.format !== 'mer-vggish') throw new Error(`${manifestFile}: format '${manifest.format}', expected 'mer-vggish'`);
    const bytes = fs.readFileSync(binFile);
    const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const weights = new Map<string, tf.Tensor>();
    let at = 0;
    for (const t of manifest.tensors) {
      const size = t.shape.reduce((a, b) => a * b, 1);
      if (at + size > all.length) throw new Error(`${binFile}: ends before tensor '${t.name}'`);
      const raw = tf.tensor(all.subarray(at, at + size), t.shape);
      at += size;
      // Convolutions OIHW → HWIO, linear [out, in] → [in, out] for tfjs.
      if (t.name.endsWith('.weight') && t.shape.length === 4) weights.set(t.name, tf.transpose(raw, [2, 3, 1, 0]));
      else if (t.name.endsWith('.weight') && t.shape.length === 2) weights.set(t.name, tf.transpose(raw));
      else weights.set(t.name, tf.clone(raw));
      raw.dispose();
    }
    if (at !== all.length) throw new Error(`${binFile}: ${all.length - at} values left over after the listed tensors`);
    for (const n of [...CONVS, ...FCS]) {
      if (!weights.has(`${n}.weight`) || !weights.has(`${n}.bias`)) throw new Error(`${manifestFile}: missing '${n}.weight' or '${n}.bias'`);
    }
    const dim = weights.get('embeddings.4.weight')!.shape[1] as number;
    return new VggishNetwork(weights, dim);
  }

  /**
   * @param patches [N, 96, 64] log-mel examples (row-major)
   * @returns [N, dim] embeddings
   */
  embed(patches: Float32Array, options: { postprocess?: boolean } = {}): tf.Tensor2D {
    const n = patches.length / (96 * 64);
    if (!Number.isInteger(n)) throw new Error(`VGGish: ${patches.length} values is not a whole number of 96×64 patches`);
    return tf.tidy(() => {
      let x: tf.Tensor4D = tf.tensor4d(patches, [n, 96, 64, 1]);
      for (const c of CONVS) {
        x = tf.relu(tf.add(tf.conv2d(x, this.weights.get(`${c}.weight`) as tf.Tensor4D, 1, 'same'), this.weights.get(`${c}.bias`)!)) as tf.Tensor4D;
        if (POOL_AFTER.has(c)) x = tf.maxPool(x, 2, 2, 'valid');
      }
      let h: tf.Tensor = tf.reshape(x, [n, -1]); // [N, 6·4·C] in (h, w, c) order, as torchvggish flattens
      for (const f of FCS) h = tf.relu(tf.add(tf.matMul(h, this.weights.get(`${f}.weight`) as tf.Tensor2D), this.weights.get(`${f}.bias`)!));
      if (options.postprocess) {
        const pca = this.weights.get('pproc._pca_matrix');
        const means = this.weights.get('pproc._pca_means');
        if (!pca || !means) throw new Error('VGGish: postprocess needs pproc._pca_matrix and pproc._pca_means in the weights');
        h = tf.matMul(tf.sub(h, tf.reshape(means, [1, -1])), pca, false, true);
        h = tf.round(tf.mul(tf.sub(tf.clipByValue(h, -2, 2), -2), 255 / 4));
      }
      return h as tf.Tensor2D;
    });
  }

  dispose(): void {
    tf.dispose([...this.weights.values()]);
    this.weights.clear();
  }
}
