import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ModelFiles } from '@mer/backend';
import { writeFileAtomic } from './atomic-write';

/** A saved model's files in a folder on disk; each write is atomic (temporary file, then rename). */
export function folderFiles(dir: string): ModelFiles {
  return {
    location: dir,
    read: (name) => {
      const file = path.join(dir, name);
      return fs.existsSync(file) ? new Uint8Array(fs.readFileSync(file)) : undefined;
    },
    write: (name, data) => writeFileAtomic(path.join(dir, name), data),
  };
}
