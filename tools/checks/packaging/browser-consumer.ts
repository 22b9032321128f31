import * as fs from 'node:fs';
import * as path from 'node:path';
import { run, why } from './consumer-project';

/** What a browser bundler made of a package in a consumer project, and what the bundle did in Chromium. */
export interface BrowserConsumer {
  /** Bundle bytes. */
  bytes: number;
  /** The package's own files the bundle holds (relative to the package folder). */
  ownFiles: string[];
  /** The names the bundle's `import * as api from '<package>'` gave in Chromium. */
  names: string[];
}

/** Where Chromium is looked for: CHROMIUM_PATH, then Debian's and Google's. */
function chromium(): string {
  const found = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((c) => c && fs.existsSync(c));
  if (!found) throw new Error('no Chromium to load the bundle in (apt-get install chromium, or set CHROMIUM_PATH)');
  return found;
}

/**
 * Bundles `import * as api from '<name>'` as a user's browser app would (esbuild, platform browser, no
 * defines, no aliases: only what the installed packages' package.json "browser" fields say), then loads
 * the bundle in headless Chromium and reads the names it exports. Throws, naming the cause, when the
 * bundle does not build, does not take the package's `browserEntry`, or fails when it runs.
 *
 * @param dir the consumer project (the package installed from its tarball)
 * @param browserEntry the file the package's "browser" field puts in place of its main (e.g. ./dist/browser.js)
 */
export function browserConsumer(dir: string, name: string, browserEntry: string, esbuild: string): BrowserConsumer {
  const entry = path.join(dir, 'browser-entry.mjs');
  const out = path.join(dir, 'browser-bundle.js');
  const meta = path.join(dir, 'browser-meta.json');
  fs.writeFileSync(entry, `import * as api from ${JSON.stringify(name)};\nglobalThis.merApi = api;\n`);
  const built = run(esbuild, [entry, '--bundle', '--platform=browser', '--format=esm', '--log-level=error', `--outfile=${out}`, `--metafile=${meta}`], dir);
  if (built.status !== 0) throw new Error(`esbuild --platform=browser failed:\n${why(built, 12)}`);
  const own = `node_modules/${name}/`;
  const inputs = Object.keys((JSON.parse(fs.readFileSync(meta, 'utf8')) as { inputs: Record<string, unknown> }).inputs);
  const ownFiles = inputs.filter((f) => f.startsWith(own)).map((f) => f.slice(own.length));
  const wanted = path.normalize(browserEntry);
  if (!ownFiles.includes(wanted)) throw new Error(`the bundle did not take the browser entry ${wanted} (it holds ${ownFiles.join(', ') || 'none of the package'})`);

  // An inline module script (a file:// page cannot load a module file), errors written where --dump-dom shows them.
  const bundle = fs.readFileSync(out, 'utf8').replace(/<\/script/gi, '<\\/script');
  const html = path.join(dir, 'browser-page.html');
  const report = `document.body.setAttribute('data-names', JSON.stringify(Object.keys(globalThis.merApi).sort()));`;
  fs.writeFileSync(html, `<!doctype html><html><head><script>addEventListener('error', (e) => document.documentElement.setAttribute('data-error', JSON.stringify([String(e.message), e.lineno])));</script></head><body><script type="module">${bundle}\n${report}</script></body></html>`);
  const loaded = run(chromium(), ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--virtual-time-budget=20000', '--dump-dom', `file://${html}`], dir, { timeoutMs: 120_000 });
  if (loaded.status !== 0) throw new Error(`Chromium failed on the bundle: ${why(loaded)}`);
  const error = /data-error="([^"]*)"/.exec(loaded.stdout)?.[1];
  if (error) {
    const [message, line] = JSON.parse(error.replace(/&quot;/g, '"')) as [string, number];
    // The page's line 1 holds the head and the bundle's first line.
    const at = fs.readFileSync(out, 'utf8').split('\n')[line - 1]?.trim().slice(0, 160);
    throw new Error(`the bundle threw in Chromium: ${message}${at ? ` at line ${line} of the bundle: ${at}` : ''}`);
  }
  const names = /data-names="([^"]*)"/.exec(loaded.stdout)?.[1];
  if (!names) throw new Error('the bundle ran in Chromium but exported nothing readable (no error either)');
  return { bytes: fs.statSync(out).size, ownFiles, names: JSON.parse(names.replace(/&quot;/g, '"')) as string[] };
}
