import * as tf from '@tensorflow/tfjs-core';
import { Conv1dBlock, CrossSelfAttention, EfficientFace, IntermediateTransformerFusion, MerCallKwargs, MerLayer, parameterTable, temporalPool } from '@mer/attention-fusion';
import { ClassificationHead, ClassificationOutput } from '@mer/heads';
import { AvtCaConfig } from './avt-ca-config';

/** Clip-level inputs. */
export interface AvtCaInputs {
  /** [B, Ta, audioDim] MFCC frames (3.6 s at 22.05 kHz ≈ 156). */
  audio: tf.Tensor;
  /** 'features' mode: [B, Tv, videoDim] per-frame face embeddings (15 frames over 3.6 s); 'raw' mode: [B, Tv, H, W, 3] face crops, pixels 0–255. */
  video: tf.Tensor;
}

export interface AvtCaForwardOptions {
  training?: boolean;
  /** Modality-dropout augmentation: zero a modality's input. */
  dropAudio?: boolean;
  dropVideo?: boolean;
}

/**
 * AVT-CA ('features' mode): audio stage 1 = 2 × [Conv1d k3 valid → BN → ReLU → MaxPool(2, 1)], video
 * stage 1 = 2 × temporal [Conv1d k3 same → BN → ReLU]; intermediate transformer fusion both ways;
 * stage 2 likewise; cross-self-attention; pooling over time; add (or concat); Linear → classes.
 */
export class AvtCaModel extends MerLayer {
  static className = 'MerAvtCaModel';
  readonly config: AvtCaConfig;
  readonly backbone?: EfficientFace;
  private readonly audioStage1: Conv1dBlock[];
  private readonly videoStage1: Conv1dBlock[];
  readonly audioFromVideo: IntermediateTransformerFusion;
  readonly videoFromAudio: IntermediateTransformerFusion;
  private readonly audioStage2: Conv1dBlock[];
  private readonly videoStage2: Conv1dBlock[];
  readonly crossSelf: CrossSelfAttention;
  readonly head: ClassificationHead;

  constructor(config: AvtCaConfig, name?: string) {
    super({ name });
    this.config = config;
    if (config.mode === 'raw') this.backbone = this.track(new EfficientFace({ ...config.backbone, name: `${this.name}_backbone` }));
    const [a1, a2, a3, a4] = config.audioChannels;
    const [v1, v2, v3, v4] = config.videoChannels;
    const audio = (i: number, o: number, n: string) => this.track(new Conv1dBlock({ inputDim: i, outputDim: o, poolSize: 2, name: `${this.name}_${n}` }));
    const video = (i: number, o: number, n: string) => this.track(new Conv1dBlock({ inputDim: i, outputDim: o, padding: 'same', name: `${this.name}_${n}` }));
    this.audioStage1 = [audio(config.audioDim, a1, 'audio1a'), audio(a1, a2, 'audio1b')];
    this.videoStage1 = [video(config.videoDim, v1, 'video1a'), video(v1, v2, 'video1b')];
    this.audioFromVideo = this.track(new IntermediateTransformerFusion({ queryDim: a2, keyDim: v2, numHeads: config.fusionHeads, dropout: config.dropout, name: `${this.name}_fuse_a` }));
    this.videoFromAudio = this.track(new IntermediateTransformerFusion({ queryDim: v2, keyDim: a2, numHeads: config.fusionHeads, dropout: config.dropout, name: `${this.name}_fuse_v` }));
    this.audioStage2 = [audio(a2, a3, 'audio2a'), audio(a3, a4, 'audio2b')];
    this.videoStage2 = [video(v2, v3, 'video2a'), video(v3, v4, 'video2b')];
    this.crossSelf = this.track(new CrossSelfAttention({ dim: a4, numHeads: config.crossHeads, dropout: config.dropout, name: `${this.name}_cross_self` }));
    const pooled = config.combine === 'concat' ? 2 * a4 : a4;
    this.head = this.track(new ClassificationHead({ inputDim: pooled, numClasses: config.numClasses, multiLabel: config.multiLabel, name: `${this.name}_head` }));
    this.built = true;
  }

  /** The fewest audio frames the audio branch's valid convolutions and poolings leave at least one of. */
  minAudioFrames(): number {
    const blocks = [...this.audioStage1, ...this.audioStage2];
    let t = 1;
    while (blocks.reduce((n, b) => b.outputLength(n), t) < 1) t++;
    return t;
  }

  /** Clip embedding before the classifier. @returns [B, d] (or [B, 2d] with concat) */
  forwardFeatures(inputs: AvtCaInputs, options: AvtCaForwardOptions = {}): tf.Tensor {
    return tf.tidy(() => {
      const kw: MerCallKwargs = { training: options.training };
      if (inputs.audio.shape[2] !== this.config.audioDim) throw new Error(`AVT-CA: audio frames are ${inputs.audio.shape[2]}-d, the config expects ${this.config.audioDim} MFCCs`);
      const minFrames = this.minAudioFrames();
      const audioFrames = inputs.audio.shape[1] ?? 0;
      if (audioFrames < minFrames) {
        throw new Error(`AVT-CA: the audio branch's valid convolutions need at least ${minFrames} audio frames, got ${audioFrames} (a one-row stream such as egemaps-functionals does not fit it; use a per-frame stream: mfcc or egemaps)`);
      }
      let video = inputs.video;
      if (this.backbone) {
        if (video.rank !== 5 || video.shape[4] !== 3) throw new Error(`AVT-CA raw mode: video must be [B, T, H, W, 3] face crops, got [${video.shape}]`);
        const [b, t, h, w] = video.shape as number[];
        // Pixels 0–255 → 0–1, as the paper's code does (face crops /255) before EfficientFace.
        const frames = this.backbone.apply(tf.div(tf.reshape(video, [b * t, h, w, 3]), 255), kw) as tf.Tensor; // [B·T, D]
        video = tf.reshape(frames, [b, t, this.backbone.outputDim]); // [B, T, D]
      }
      if (video.shape[2] !== this.config.videoDim) throw new Error(`AVT-CA: video frames are ${video.shape[2]}-d, the config expects ${this.config.videoDim}`);
      let a = options.dropAudio ? tf.zerosLike(inputs.audio) : inputs.audio;
      let v = options.dropVideo ? tf.zerosLike(video) : video;
      for (const b of this.audioStage1) a = b.apply(a, kw) as tf.Tensor; // [B, Ta − 6, a2]
      for (const b of this.videoStage1) v = b.apply(v, kw) as tf.Tensor; // [B, Tv, v2]
      const a1 = this.audioFromVideo.apply([a, v], kw) as tf.Tensor;
      const v1 = this.videoFromAudio.apply([v, a], kw) as tf.Tensor;
      a = a1;
      v = v1;
      for (const b of this.audioStage2) a = b.apply(a, kw) as tf.Tensor; // [B, Ta − 12, d]
      for (const b of this.videoStage2) v = b.apply(v, kw) as tf.Tensor; // [B, Tv, d]
      const [ao, vo] = this.crossSelf.apply([a, v], kw) as unknown as tf.Tensor[];
      const pa = temporalPool(ao, this.config.pooling);
      const pv = temporalPool(vo, this.config.pooling);
      return this.config.combine === 'concat' ? tf.concat([pa, pv], -1) : tf.add(pa, pv);
    });
  }

  predict(inputs: AvtCaInputs, options: AvtCaForwardOptions = {}): ClassificationOutput {
    return tf.tidy(() => this.head.predict(this.forwardFeatures(inputs, options), options));
  }

  /** [audio, video] → logits [B, classes]. */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: MerCallKwargs & AvtCaForwardOptions = {}): tf.Tensor {
    return tf.tidy(() => {
      const [audio, video] = inputs as tf.Tensor[];
      return this.head.apply(this.forwardFeatures({ audio, video }, kwargs), kwargs) as tf.Tensor;
    });
  }

  summary(): string {
    const sum = (ls: MerLayer[]) => ls.reduce((s, l) => s + l.parameterCount(), 0);
    const rows: [string, number][] = [
      ...(this.backbone ? ([['EfficientFace backbone', this.backbone.parameterCount()]] as [string, number][]) : []),
      ['audio conv stage 1', sum(this.audioStage1)],
      ['video temporal conv stage 1', sum(this.videoStage1)],
      ['intermediate fusion (both ways)', sum([this.audioFromVideo, this.videoFromAudio])],
      ['audio conv stage 2', sum(this.audioStage2)],
      ['video temporal conv stage 2', sum(this.videoStage2)],
      ['cross-self-attention', this.crossSelf.parameterCount()],
      ['classifier', this.head.parameterCount()],
      ['total', this.parameterCount()],
    ];
    return parameterTable(rows);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...(this.config as unknown as tf.serialization.ConfigDict) };
  }
}
