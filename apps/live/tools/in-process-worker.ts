import type { WorkerBackend } from '../src/page/page-backend';

/** A worker's serving side: what `serveFrameRun`/`serveClipRun` take. */
type Serve = (scope: { onmessage: ((e: MessageEvent) => void) | null; postMessage(reply: unknown, transfer?: Transferable[]): void }, startBackend: (b: WorkerBackend) => Promise<void>) => void;

/**
 * A run's worker in this process, for specs: messages go both ways structured-cloned (transfers
 * honoured) and asynchronously, as postMessage does; `serve` is the worker's side, `startBackend` what
 * it is given to start the page's backend with.
 */
export function inProcessWorker(serve: Serve, startBackend: (b: WorkerBackend) => Promise<void> = async () => undefined): Worker {
  const clone = (m: unknown, transfer?: Transferable[]) => structuredClone(m, { transfer: transfer as Transferable[] | undefined });
  const scope = {
    onmessage: null as ((e: MessageEvent) => void) | null,
    postMessage: (reply: unknown, transfer?: Transferable[]) => {
      const data = clone(reply, transfer);
      setTimeout(() => page.onmessage?.({ data } as MessageEvent));
    },
  };
  const page = {
    onmessage: null as ((e: MessageEvent) => void) | null,
    onerror: null,
    postMessage: (request: unknown, transfer?: Transferable[]) => {
      const data = clone(request, transfer);
      setTimeout(() => scope.onmessage?.({ data } as MessageEvent));
    },
    terminate: () => undefined,
  };
  setTimeout(() => serve(scope, startBackend));
  return page as unknown as Worker;
}
