// Sums the per-package jest counts written by tools/presets/jest-count-reporter.js and prints one
// closing line "tests: N passed, N failed" (", N skipped" when any were skipped).
const fs = require('node:fs');
const path = require('node:path');

const dir = path.resolve(__dirname, '../../test-results/counts');
const total = { passed: 0, failed: 0, skipped: 0 };
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
for (const f of files) {
  const c = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  total.passed += c.passed;
  total.failed += c.failed;
  total.skipped += c.skipped;
  console.log(`  ${f.replace(/\.json$/, '').replace(/__/g, '/')}: ${c.passed} passed, ${c.failed} failed`);
}
const skipped = total.skipped ? `, ${total.skipped} skipped` : '';
console.log(`tests: ${total.passed} passed, ${total.failed} failed${skipped}`);
