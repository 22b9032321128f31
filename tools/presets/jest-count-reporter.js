// Writes `{passed, failed, skipped}` for one jest run to test-results/counts/<package>.json so that
// .ci/run can print a single closing "N passed, N failed" line over every package. A run with
// MER_TEST_COUNTS_PREFIX=<leg> (tools/ci/webgpu-leg.sh) writes <leg>__<package>.json beside them.
const fs = require('node:fs');
const path = require('node:path');

class CountReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }
  onRunComplete(_contexts, results) {
    const dir = path.resolve(__dirname, '../../test-results/counts');
    fs.mkdirSync(dir, { recursive: true });
    const prefix = process.env.MER_TEST_COUNTS_PREFIX ? `${process.env.MER_TEST_COUNTS_PREFIX}__` : '';
    const name = prefix + path.relative(path.resolve(__dirname, '../..'), this.rootDir).replace(/[\\/]/g, '__');
    const counts = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
    };
    const tmp = path.join(dir, `${name}.json.tmp`);
    fs.writeFileSync(tmp, JSON.stringify(counts));
    fs.renameSync(tmp, path.join(dir, `${name}.json`));
  }
}
module.exports = CountReporter;
