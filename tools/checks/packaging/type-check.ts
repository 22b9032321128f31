import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/** A TypeScript consumer's module settings: the two resolutions a user's project may have. */
export interface TypeMode {
  name: string;
  /** Extension of the consumer files: .mts (ES module), .cts (CommonJS), .ts (bundler). */
  extension: '.mts' | '.cts' | '.ts';
  options: ts.CompilerOptions;
}

export const TYPE_MODES: TypeMode[] = [
  { name: 'node16 ESM', extension: '.mts', options: { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 } },
  { name: 'node16 CommonJS', extension: '.cts', options: { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 } },
  { name: 'bundler', extension: '.ts', options: { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler } },
];

export interface TypeCheckResult {
  /** `file(line,col): TSnnnn message`, paths relative to the consumer project. */
  errors: string[];
  /** How many of mer's declaration files the program checked. */
  merDeclarations: number;
}

/**
 * Type-checks a consumer project's `files` (name → source, written under `<dir>/types-check/`) the way
 * its tsc would under `mode`, with the project's own node_modules only. mer's declaration files
 * (node_modules/@mer/**) are checked in full — as skipLibCheck: false would, so an import they cannot
 * resolve is TS2307 instead of a silent `any` — while the declaration files of other packages are
 * only read, as skipLibCheck: true leaves them: their own errors are theirs, not mer's.
 */
export function typeCheckConsumer(dir: string, files: Record<string, string>, mode: TypeMode): TypeCheckResult {
  const srcDir = path.join(dir, 'types-check');
  fs.mkdirSync(srcDir, { recursive: true });
  const rootNames = Object.entries(files).map(([name, code]) => {
    const file = path.join(srcDir, name + mode.extension);
    fs.writeFileSync(file, code);
    return file;
  });
  const program = ts.createProgram({
    rootNames,
    options: {
      ...mode.options,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts'],
      types: ['node'],
      typeRoots: [path.join(dir, 'node_modules/@types')],
      strict: true,
      noEmit: true,
      esModuleInterop: true,
      skipLibCheck: false,
    },
  });
  const isMer = (f: ts.SourceFile) => f.fileName.includes('/node_modules/@mer/');
  const checked = program.getSourceFiles().filter((f) => rootNames.includes(path.resolve(f.fileName)) || isMer(f));
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...checked.flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)]),
  ];
  return { errors: diagnostics.map((d) => describe(d, dir)), merDeclarations: checked.filter(isMer).length };
}

function describe(d: ts.Diagnostic, dir: string): string {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n    ');
  if (!d.file || d.start === undefined) return `TS${d.code}: ${message}`;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return `${path.relative(dir, d.file.fileName)}(${line + 1},${character + 1}): TS${d.code} ${message}`;
}
