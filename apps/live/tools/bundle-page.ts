// Build step of @mer/live (project.json: `tsup && tsx tools/bundle-page.ts dist/page`): the page into dist/page.
import * as path from 'node:path';
import { bundleLivePage } from './page-bundle';

const dir = path.resolve(process.argv[2] ?? 'dist/page');
bundleLivePage(dir)
  .then((b) => console.log(`mer live page: ${path.relative(process.cwd(), b.dir)}/live.js (${(b.bytes / 1e6).toFixed(2)} MB)`))
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
