/** Packages that bring or use tfjs-core; each must resolve to the same copy. */
const DEPENDANTS = [
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-node-gpu',
  '@tensorflow/tfjs',
];

/**
 * Node's resolution from `fromDir` (symbolic links resolved, as Node loads modules); undefined where
 * it fails or where there is no `require.resolve` (a browser bundle: nothing to check there).
 */
function resolveFrom(request: string, fromDir: string): string | undefined {
  try {
    return typeof require === 'function' && typeof require.resolve === 'function' ? require.resolve(request, { paths: [fromDir] }) : undefined;
  } catch {
    return undefined;
  }
}

const dirname = (file: string) => file.replace(/[\\/][^\\/]*$/, '');

/**
 * Every distinct `@tensorflow/tfjs-core` that the installed tfjs packages would load, seen from
 * `fromDir` (default: this package). More than one means two tensor worlds: tensors made by one are
 * unknown to the other's backend.
 *
 * @returns map from tfjs-core's resolved package.json to the packages that load it
 */
export function findTfjsCoreCopies(fromDir: string = typeof __dirname === 'string' ? __dirname : ''): Map<string, string[]> {
  const copies = new Map<string, string[]>();
  const add = (core: string | undefined, by: string) => {
    if (core === undefined) return;
    copies.set(core, [...(copies.get(core) ?? []), by]);
  };
  add(resolveFrom('@tensorflow/tfjs-core/package.json', fromDir), '@mer/backend');
  for (const dep of DEPENDANTS) {
    const depJson = resolveFrom(`${dep}/package.json`, fromDir);
    if (depJson === undefined) continue;
    add(resolveFrom('@tensorflow/tfjs-core/package.json', dirname(depJson)), dep);
  }
  return copies;
}

/** Throws, naming the copies, when more than one tfjs-core would be loaded. */
export function assertSingleTfjsCore(fromDir?: string): void {
  const copies = findTfjsCoreCopies(fromDir);
  if (copies.size > 1) {
    const list = [...copies].map(([core, by]) => `  ${core} (loaded by ${by.join(', ')})`).join('\n');
    throw new Error(
      `Found ${copies.size} copies of @tensorflow/tfjs-core; mer needs exactly one tensor world.\n${list}\n` +
        'Align the @tensorflow/* versions and run `npm dedupe`.',
    );
  }
}
