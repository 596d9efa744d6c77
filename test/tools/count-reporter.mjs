// Prints one plain closing line "browser: N passed, N failed[, N skipped]"; a test file that failed
// to load counts as one failure (WTR's own summary would show it as 0 failed).
export function countReporter() {
  return {
    onTestRunFinished({ sessions }) {
      let passed = 0, failed = 0, skipped = 0;
      const walk = (suite) => {
        for (const t of suite.tests ?? []) {
          if (t.skipped) skipped++;
          else if (t.passed) passed++;
          else failed++;
        }
        for (const child of suite.suites ?? []) walk(child);
      };
      for (const session of sessions) {
        if (session.testResults) walk(session.testResults);
        if (!session.passed && (session.errors?.length ?? 0) > 0) failed += 1;
      }
      const line = `browser: ${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : '');
      // Printed at exit, after WTR's dynamic terminal output, so the line stands alone.
      process.once('exit', () => process.stdout.write(`\n${line}\n`));
    },
  };
}
