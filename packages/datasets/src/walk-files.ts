import * as fs from 'node:fs';
import * as path from 'node:path';

/** Every file below `root` (recursively) whose name matches, sorted. Errors name a missing root. */
export function walkFiles(root: string, match: (name: string) => boolean): string[] {
  if (!fs.existsSync(root)) throw new Error(`${root}: dataset folder not found`);
  const out: string[] = [];
  const visit = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) visit(p);
      else if (match(e.name)) out.push(p);
    }
  };
  visit(root);
  return out.sort();
}
