// A Node test reporter for run-tests.mjs: one line per top-level test or suite, `<ms>\t<file>`, so
// the run can name its slowest test files (a file's time is the sum of its top-level tests).
export default async function* fileTimes(source) {
  for await (const { type, data } of source) {
    if ((type === 'test:pass' || type === 'test:fail') && data.nesting === 0 && data.file) yield `${data.details.duration_ms}\t${data.file}\n`;
  }
}
