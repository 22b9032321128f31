import { spawn } from 'node:child_process';
import { startLiveServer } from '@mer/live';

/** The platform's "open this URL" command. */
function opener(): [string, string[]] {
  if (process.platform === 'darwin') return ['open', []];
  if (process.platform === 'win32') return ['cmd', ['/c', 'start', '""']];
  return ['xdg-open', []];
}

/**
 * `mer live`: serves the live page (camera and microphone analysed in the browser) until Ctrl-C. The
 * server sends only the page and the model files; media never leaves the browser.
 */
export async function liveCommand(opts: { host?: string; port?: number; open?: boolean; threads?: boolean; run?: string }): Promise<void> {
  const server = await startLiveServer({ host: opts.host, port: opts.port, isolate: opts.threads, run: opts.run });
  const host = opts.host ?? '127.0.0.1';
  if (opts.run) console.log(`mer live: the page also scores each utterance it hears with the run in ${opts.run}`);
  console.log(`mer live: open ${server.url} (camera and microphone stay in your browser: this server sends only the page and the model files). Ctrl-C stops it.`);
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) console.log(`mer live: listening on ${host}: other machines can load the page (a browser gives camera access only on localhost or https)`);
  if (opts.open) {
    const [cmd, args] = opener();
    spawn(cmd, [...args, server.url], { stdio: 'ignore', detached: true })
      .on('error', () => console.log(`mer live: could not start ${cmd}; open ${server.url} yourself`))
      .unref();
  }
  await new Promise<void>((resolve) => {
    const stop = () => void server.close().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
