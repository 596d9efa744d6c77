// Prints plain closing lines for run-tests.mjs (test-results.mjs reads them):
//   browser skipped: <file> › <suite> › <test>             one per skipped test
//   browser file not run to its end: <file> (<error>)    one per file with an error outside its tests (it failed to
//                                                        load, the page crashed, it timed out): WTR's own summary
//                                                        would show such a file as 0 failed
//   browser file time: <ms> <file>                       one per file: the sum of its tests' durations
//   browser: N passed, N failed[, N skipped]            tests only, last
export function countReporter() {
  return {
    onTestRunFinished({ sessions }) {
      let passed = 0, failed = 0, skipped = 0;
      const lines = [];
      let fileMs = 0;
      const walk = (suite, path) => {
        for (const t of suite.tests ?? []) {
          fileMs += t.duration ?? 0;
          if (t.skipped) {
            skipped++;
            lines.push(`browser skipped: ${[...path, t.name].join(' › ')}`);
          } else if (t.passed) passed++;
          else failed++;
        }
        for (const child of suite.suites ?? []) walk(child, [...path, child.name]);
      };
      for (const session of sessions) {
        const file = session.testFile.replace(process.cwd() + '/', '');
        fileMs = 0;
        if (session.testResults) walk(session.testResults, [file]);
        lines.push(`browser file time: ${Math.round(fileMs)} ${file}`);
        if ((session.errors?.length ?? 0) > 0) {
          const reason = session.errors.map((e) => String(e.message ?? e).split('\n')[0]).join('; ');
          lines.push(`browser file not run to its end: ${file} (${reason})`);
        }
      }
      lines.push(`browser: ${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''));
      // Printed at exit, after WTR's dynamic terminal output, so the lines stand alone.
      process.once('exit', () => process.stdout.write(`\n${lines.join('\n')}\n`));
    },
  };
}
