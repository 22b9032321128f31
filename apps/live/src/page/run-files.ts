/// <reference lib="dom" />
import { memoryFiles, ModelFiles } from '@mer/backend';
import type { PipelineManifest } from '@mer/pipelines';

async function fetchOk(url: string): Promise<Response> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status} ${r.statusText}`);
  return r;
}

/**
 * The trained run the server was started with (`mer live --run`; `base`: the page's `run/` URL): its
 * manifest and its best model's files, held in memory (`best.files`: by name). Null when the server has no run.
 */
export async function fetchRun(base: string): Promise<{ manifest: PipelineManifest; best: ModelFiles & { files: Map<string, Uint8Array> } } | null> {
  const listing = await fetch(`${base}best.json`);
  if (listing.status === 404) return null;
  if (!listing.ok) throw new Error(`${base}best.json: HTTP ${listing.status} ${listing.statusText}`);
  const { files } = (await listing.json()) as { files: string[] };
  // The manifest and the model's files in parallel, not one request after another.
  const [manifest, bytes] = await Promise.all([
    fetchOk(`${base}pipeline.json`).then((r) => r.json() as Promise<PipelineManifest>),
    Promise.all(files.map(async (f) => new Uint8Array(await (await fetchOk(`${base}best/${encodeURIComponent(f)}`)).arrayBuffer()))),
  ]);
  const best = memoryFiles(`${base}best`);
  files.forEach((f, i) => void best.write(f, bytes[i]));
  return { manifest, best };
}
