/// <reference lib="dom" />

/** The audio-thread side of {@link AudioTap}: posts a copy of each input block, outputs silence. */
const TAP_WORKLET = `registerProcessor('mer-tap', class extends AudioWorkletProcessor {
  process(inputs) {
    const ch = inputs[0] && inputs[0][0];
    if (ch) this.port.postMessage(ch.slice(0));
    return true;
  }
});`;

/**
 * The microphone's samples at one rate, block by block, as the browser resamples them: an audio
 * context at `rate` with an AudioWorklet (from a Blob: no file to serve) that copies each 128-sample
 * block on the audio thread and posts it. Messages queue while the page is busy, so no sample is lost
 * (a ScriptProcessor on the main thread drops blocks then).
 */
export class AudioTap {
  private constructor(readonly context: AudioContext) {}

  /**
   * Creates the context and loads the worklet. Call it before asking for the microphone where the
   * first samples matter: the device plays from the moment it opens, and audio that arrives before
   * the tap is connected is not heard (under load the worklet's thread takes seconds to start).
   */
  static async create(rate: number): Promise<AudioTap> {
    const ctx = new AudioContext({ sampleRate: rate });
    const url = URL.createObjectURL(new Blob([TAP_WORKLET], { type: 'text/javascript' }));
    try {
      await ctx.audioWorklet.addModule(url);
    } finally {
      URL.revokeObjectURL(url);
    }
    return new AudioTap(ctx);
  }

  /** Starts passing the stream's audio, mono at the tap's rate, to `onBlock` (each block a copy). */
  async connect(stream: MediaStream, onBlock: (block: Float32Array) => void): Promise<void> {
    const ctx = this.context;
    const source = ctx.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(ctx, 'mer-tap', { numberOfInputs: 1, numberOfOutputs: 1, channelCount: 1, channelCountMode: 'explicit' });
    node.port.onmessage = (e: MessageEvent<Float32Array>) => onBlock(e.data);
    source.connect(node);
    node.connect(ctx.destination); // keeps the graph pulling; the node's output is silence
    await ctx.resume();
  }

  close(): Promise<void> {
    return this.context.close();
  }
}
