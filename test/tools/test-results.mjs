// Reads the runners' own reports for run-tests.mjs: Node's TAP file and the closing lines of count-reporter.mjs.
// Both say which tests passed, failed and were skipped, and which test files never ran to their end.

/**
 * Node's TAP summary counts a skipped suite nowhere and a test file that crashed (its tests unreported) as one failed
 * test; here a skipped suite counts as skipped and a crashed file is returned apart, for the caller to name.
 * `summary` is false when the runner stopped before writing its summary.
 */
export function parseNodeTap(tap) {
  const lines = tap.split('\n');
  const total = (key) => Number(tap.match(new RegExp(`^# ${key} (\\d+)$`, 'm'))?.[1] ?? 0);
  const summary = /^# pass \d+$/m.test(tap);
  const skippedNames = [];
  const brokenFiles = [];
  let skippedSuites = 0;
  let okLines = 0;
  let notOkLines = 0;
  for (let i = 0; i < lines.length; i++) {
    const result = lines[i].match(/^(\s*)(not ok|ok) \d+ - (.*?)(?: # (SKIP|TODO)\b.*)?$/);
    if (!result) continue;
    const [, indent, status, name, directive] = result;
    const yaml = [];
    if (lines[i + 1]?.trim() === '---') {
      for (let j = i + 2; j < lines.length && lines[j].trim() !== '...'; j++) yaml.push(lines[j].trim());
    }
    const isSuite = yaml.includes("type: 'suite'");
    if (directive) {
      skippedNames.push(isSuite ? `${name} (suite)` : name);
      if (isSuite) skippedSuites++;
      continue;
    }
    if (isSuite) continue;
    if (status === 'ok') okLines++;
    else notOkLines++;
    // A file whose process ended before its tests reported shows as one failure carrying the process's exit.
    const exit = yaml.find((l) => l.startsWith('exitCode:'));
    if (status === 'not ok' && indent === '' && exit) {
      const signal = yaml.find((l) => l.startsWith('signal:'))?.slice(7).trim().replace(/'/g, '');
      const code = exit.slice(9).trim();
      brokenFiles.push({ name, reason: signal && signal !== '~' ? `killed by ${signal}` : `its process exited with code ${code}` });
    }
  }
  if (!summary) return { summary, passed: okLines, failed: notOkLines, skipped: skippedNames.length, skippedNames, brokenFiles };
  return {
    summary,
    passed: total('pass'),
    failed: total('fail') + total('cancelled') - brokenFiles.length,
    skipped: total('skipped') + total('todo') + skippedSuites,
    skippedNames,
    brokenFiles,
  };
}

/** The counts count-reporter.mjs printed last, or undefined when the browser runner stopped before printing them. */
export function parseBrowserSummary(log) {
  const plain = log.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  const counts = [...plain.matchAll(/^browser: (\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/gm)].at(-1);
  if (!counts) return undefined;
  const listed = (label) => [...plain.matchAll(new RegExp(`^browser ${label}: (.*)$`, 'gm'))].map((m) => m[1]);
  return {
    passed: Number(counts[1]),
    failed: Number(counts[2]),
    skipped: Number(counts[3] ?? 0),
    skippedNames: listed('skipped'),
    brokenFiles: listed('file not run to its end'),
    fileTimes: listed('file time').map((line) => {
      const [, ms, file] = /^(\d+) (.*)$/.exec(line) ?? [];
      return { file, ms: Number(ms) };
    }),
  };
}

/** Per-file times from file-times-reporter.mjs's lines (`<ms>\t<file>`), summed by file, paths relative to `root`. */
export function parseNodeFileTimes(text, root) {
  const times = new Map();
  for (const line of text.split('\n')) {
    const [ms, file] = line.split('\t');
    if (!file) continue;
    const name = file.startsWith(`${root}/`) ? file.slice(root.length + 1) : file;
    times.set(name, (times.get(name) ?? 0) + Number(ms));
  }
  return [...times].map(([file, ms]) => ({ file, ms }));
}
