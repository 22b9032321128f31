/// <reference lib="dom" />
import type * as tf from '@tensorflow/tfjs-core';
import type { ModelFiles } from '@mer/backend';
import type { FaceEmbedderModel } from '@mer/feature-extractors';
import type { PipelineManifest } from '@mer/pipelines';
import { LiveClipRun } from './live-clip-run';
import { LiveFrameRun } from './live-frame-run';
import { LiveRun } from './live-run';
import { liveRunKind, runFaceModel } from './live-run-kind';
import type { LiveView } from './live-view';

/** The trained run the page scores (`mer live --run`): utterance by utterance, clip by clip, or frame by frame. */
export type PageRun = { kind: 'utterance'; run: LiveRun } | { kind: 'clip'; run: LiveClipRun } | { kind: 'frame'; run: LiveFrameRun };

/**
 * Opens the server's run ({@link liveRunKind} says how the page scores it) with its panel in `view`.
 * @param faceGraph a shipped face model's graph (the expression CNN's the page already has; FaceRes's
 *   fetched), for a clip or frame run whose rows it embeds ({@link runFaceModel})
 * @param runner where a frame run makes its rows and predicts, or a clip run scores: its worker (once started: `toWorker`) or the page's thread
 */
export async function openPageRun(files: { manifest: PipelineManifest; best: ModelFiles & { files: Map<string, Uint8Array> } } | null, faceGraph: (model: FaceEmbedderModel) => Promise<tf.io.ModelArtifacts>, view: LiveView, runner: 'worker' | 'main' = 'worker'): Promise<PageRun | null> {
  if (!files) return null;
  const { manifest, best } = files;
  const kind = liveRunKind(manifest);
  if (kind.kind === 'refused') throw new Error(kind.problem);
  const model = runFaceModel(kind);
  const graph = model ? await faceGraph(model) : null;
  const zeros = Object.fromEntries((manifest.classes ?? []).map((c) => [c, 0]));
  if (kind.kind === 'utterance') {
    const run = LiveRun.fromFiles(manifest, best);
    view.runScores(run.name, zeros, '', 'speak: each utterance is scored when it ends');
    return { kind: 'utterance', run };
  }
  if (kind.kind === 'frame') {
    const run = await LiveFrameRun.create({ manifest, location: best.location, files: [...best.files], plan: kind.plan, faceGraph: graph }, runner, (p) => {
      view.runVa(run.name, p.valence, p.arousal, `the newest frame of a ${p.frames}-frame window; ${p.notes.join('; ') || 'standardised as in training'}`);
    });
    view.runVa(run.name, null, null, `valence/arousal every 0.5 s, about 2 s behind (a frame's audio rows need the microphone past it)${kind.plan.text.length ? `; ${kind.plan.text.join(', ')} masked: no transcript in the page` : ''}`);
    return { kind: 'frame', run };
  }
  const { plan } = kind;
  const run = await LiveClipRun.create({ manifest, location: best.location, files: [...best.files], plan, faceGraph: graph }, runner, (clip) => {
    const waited = clip.waited > 0 ? [`due ${clip.waited.toFixed(1)} s before: the clip before was still being scored`] : [];
    const notes = [...clip.notes, ...waited].map((n) => `; ${n}`).join('');
    view.runScores(run.name, clip.probabilities, clip.label, `clip ${clip.clips}: the last ${plan.seconds} s, ${clip.faces} of ${plan.frames} sampled frames with a face${notes}`);
  });
  view.runScores(run.name, zeros, '', `the last ${plan.seconds} s (${plan.frames} frames and the microphone) is scored every ${run.hopSeconds.toFixed(1)} s, once that much has been seen and heard`);
  return { kind: 'clip', run };
}
