// Prints vitest's JSON report as plain "N passed, N failed" lines CI can read.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
if (args[0] === '--total') {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const line of args.slice(1)) {
    const match = /(\d+) passed, (\d+) failed(?:, (\d+) skipped)?/.exec(line);
    if (!match) continue;
    passed += Number(match[1]);
    failed += Number(match[2]);
    skipped += Number(match[3] ?? 0);
  }
  console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
} else {
  const [file, label] = args;
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    console.log(`${label}: 0 passed, 1 failed (no report: the test run did not complete)`);
    process.exit(0);
  }
  console.log(
    `${label}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests + (report.numTodoTests ?? 0)} skipped` +
      (report.numFailedTestSuites ? ` (${report.numFailedTestSuites} failed files)` : ''),
  );
}
