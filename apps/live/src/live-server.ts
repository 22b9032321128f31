import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { LiveFile, liveFiles } from './live-files';

/**
 * Cross-origin isolation: the page may then use SharedArrayBuffer, so ONNX Runtime Web runs its
 * multi-threaded build, and tfjs-wasm its own with 4 or more logical cores (it runs half of them). Everything the page loads comes from this server. Off by default: on a
 * 2-core machine, where the browser's own capture and drawing and BlazeFace's worker need the second
 * core, threads did not pay (bench:live, interleaved: with detection on the page's thread 18 and 11 fps
 * isolated against 24 and 19 single-threaded; with the worker 28.0 and 29.2 against 27.0 and 28.8).
 */
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin' };

export interface LiveServerOptions {
  /** Interface to listen on. Default 127.0.0.1 (loopback only: nobody else on the network sees the page). */
  host?: string;
  /** Port; 0 picks a free one. Default 8790. */
  port?: number;
  /** The bundled page; default the one built into this package's dist/page (from the sources: bundled at start). */
  pageDir?: string;
  /** Send the cross-origin-isolation headers, so the page's wasm runtimes use threads (`mer live --threads`). Default false. */
  isolate?: boolean;
  /**
   * A trained utterance-level run (e.g. speech-kernel) whose scores of each heard utterance the page
   * shows beside the expression model (`mer live --run`); refused at start if the page cannot score it.
   */
  run?: string;
  /** Called for each request (tests, logs): its path and status. */
  onRequest?: (path: string, status: number) => void;
}

export interface LiveServer {
  /** The page's address, e.g. http://127.0.0.1:8790/ */
  url: string;
  /** URL paths served. */
  paths: string[];
  close(): Promise<void>;
}

/**
 * The page to serve: the one bundled at build time (dist/page beside the built server), or — running
 * from this workspace's TypeScript sources — the sources bundled now into a temporary folder (about a
 * second), so a source checkout serves its current page without a build.
 */
async function pageToServe(): Promise<{ dir: string; temporary: boolean }> {
  const bundler = path.join(__dirname, '..', 'tools', 'page-bundle.ts');
  if (path.extname(__filename) === '.ts' && fs.existsSync(bundler)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { bundleLivePage } = require(bundler) as { bundleLivePage(dir: string): Promise<{ dir: string }> };
    return { dir: (await bundleLivePage(fs.mkdtempSync(path.join(os.tmpdir(), 'mer-live-page-')))).dir, temporary: true };
  }
  return { dir: path.join(__dirname, 'page'), temporary: false };
}

/**
 * `mer live`'s server: sends the bundled page and the model weights — a fixed list of files
 * ({@link liveFiles}), GET and HEAD only — and nothing else. Camera and microphone stay in the browser;
 * nothing is uploaded (the server has no route that takes data).
 */
export async function startLiveServer(options: LiveServerOptions = {}): Promise<LiveServer> {
  const page = options.pageDir ? { dir: options.pageDir, temporary: false } : await pageToServe();
  let files: Map<string, LiveFile>;
  try {
    files = liveFiles(page.dir, options.run);
  } catch (e) {
    if (page.temporary) fs.rmSync(page.dir, { recursive: true, force: true });
    throw e;
  }
  const send = (res: http.ServerResponse, url: string, status: number, body?: string) => {
    options.onRequest?.(url, status);
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(body ?? http.STATUS_CODES[status]);
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, url, 405);
    const f: LiveFile | undefined = files.get(url);
    if (!f) return send(res, url, 404);
    if (f.body) {
      options.onRequest?.(url, 200);
      res.writeHead(200, { 'Content-Type': f.type, 'Content-Length': f.body.length, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', ...(options.isolate ? ISOLATION : {}) });
      return res.end(req.method === 'HEAD' ? undefined : f.body);
    }
    fs.stat(f.file, (err, st) => {
      if (err) return send(res, url, 404, `${url}: ${f.file} is missing`);
      options.onRequest?.(url, 200);
      res.writeHead(200, { 'Content-Type': f.type, 'Content-Length': st.size, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', ...(options.isolate ? ISOLATION : {}) });
      if (req.method === 'HEAD') return res.end();
      fs.createReadStream(f.file).pipe(res);
    });
  });
  const host = options.host ?? '127.0.0.1';
  const wanted = options.port ?? 8790;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new Error(e.code === 'EADDRINUSE' ? `port ${wanted} on ${host} is in use (--port picks another)` : e.message)));
    server.listen(wanted, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${shown}:${port}/`,
    paths: [...files.keys()],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections(); // a browser keeps its connections open
        server.close(() => {
          if (page.temporary) fs.rmSync(page.dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
