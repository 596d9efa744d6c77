#!/usr/bin/env node
// The whole test suite: typecheck, build (bundles and Storybook), DOM-free tests in Node, browser tests in headless
// Chromium. The closing line "N passed, N failed[, N skipped]" counts tests only. A step that fails (typecheck,
// build, a runner that crashed or a test file that never ran) is no test: it is named on the line before the summary
// and makes the run exit 1 whatever the counts say.
//
// Options: --test-timeout=MS  per node test (default 300000); --step-timeout=MS  per runner (default 1800000).
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { parseBrowserSummary, parseNodeFileTimes, parseNodeTap } from './test-results.mjs';

const option = (name, fallback) => {
  const arg = process.argv.slice(2).find((a) => a.startsWith(`--${name}=`));
  const value = arg ? Number(arg.slice(name.length + 3)) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} takes a whole number of milliseconds, got ${arg}`);
  return value;
};
const testTimeout = option('test-timeout', 300_000);
const stepTimeout = option('step-timeout', 1_800_000);

const results = { passed: 0, failed: 0, skipped: 0 };
const failedSteps = [];
const skippedNames = [];

function step(name, cmd, args) {
  console.log(`\n== ${name}`);
  const status = spawnSync(cmd, args, { stdio: 'inherit' }).status;
  if (status !== 0) failedSteps.push(`${name} (exit ${status ?? 'by signal'})`);
  return status === 0;
}

/** Runs a runner to its end (or kills it after stepTimeout), its stdout shown live and copied to `logFile`. */
function runner(cmd, args, logFile) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['inherit', 'pipe', 'inherit'], detached: true });
    const log = logFile ? createWriteStream(logFile) : undefined;
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      log?.write(chunk);
    });
    // The runner's own children (Chromium, test servers) are in its process group, which is not the terminal's.
    const killGroup = (signal) => {
      try { process.kill(-child.pid, signal); } catch { child.kill(signal); }
    };
    const interrupt = () => {
      killGroup('SIGINT');
      process.exit(130);
    };
    process.once('SIGINT', interrupt);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGKILL');
    }, stepTimeout);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      process.off('SIGINT', interrupt);
      const done = () => resolve({ code, signal, timedOut });
      log ? log.end(done) : done();
    });
  });
}

const stopped = (name, run) =>
  run.timedOut ? `${name} (runner killed after ${stepTimeout} ms)` : `${name} (runner stopped before its summary: ${run.signal ?? `exit ${run.code}`})`;

step('ensure chromium', 'node', ['test/tools/ensure-chromium.mjs']);
step('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
step('build', 'npm', ['run', 'build', '--silent']);
step('storybook build', 'node', ['scripts/build-storybook.mjs', '--quiet']);

console.log('\n== node tests');
mkdirSync('.test-results', { recursive: true });
const tapFile = '.test-results/node.tap';
const nodeTimesFile = '.test-results/node-file-times.tsv';
rmSync(tapFile, { force: true });
rmSync(nodeTimesFile, { force: true });
const started = performance.now();
// Node 20's --test takes no globs: list the files.
const nodeFiles = readdirSync('test/node', { recursive: true }).filter((f) => f.endsWith('.test.ts')).sort().map((f) => `test/node/${f}`);
const nodeRun = await runner('node', ['--import', 'tsx', '--test', '--test-concurrency=1', `--test-timeout=${testTimeout}`,
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
  '--test-reporter=./test/tools/file-times-reporter.mjs', `--test-reporter-destination=${nodeTimesFile}`, ...nodeFiles]);
let tap = '';
try { tap = readFileSync(tapFile, 'utf8'); } catch {}
const node = parseNodeTap(tap);
if (node.summary) {
  results.passed += node.passed;
  results.failed += node.failed;
  results.skipped += node.skipped;
  skippedNames.push(...node.skippedNames);
  for (const file of node.brokenFiles) failedSteps.push(`node test file ${file.name} (${file.reason}; its tests did not all report)`);
  if (nodeRun.code !== 0 && node.failed === 0 && node.brokenFiles.length === 0) failedSteps.push(`node tests (exit ${nodeRun.code ?? nodeRun.signal} with no failing test)`);
} else {
  failedSteps.push(stopped('node tests', nodeRun) + `; ${node.passed + node.failed} of the tests in ${nodeFiles.length} files reported`);
}

const nodeEnded = performance.now();
console.log('\n== browser tests');
const browserLog = '.test-results/browser.log';
const browserRun = await runner('npx', ['web-test-runner', '--config', 'web-test-runner.config.mjs'], browserLog);
let log = '';
try { log = readFileSync(browserLog, 'utf8'); } catch {}
const browser = parseBrowserSummary(log);
if (browser) {
  results.passed += browser.passed;
  results.failed += browser.failed;
  results.skipped += browser.skipped;
  skippedNames.push(...browser.skippedNames);
  for (const file of browser.brokenFiles) failedSteps.push(`browser test file ${file}`);
  if (browserRun.code !== 0 && browser.failed === 0 && browser.brokenFiles.length === 0) failedSteps.push(`browser tests (exit ${browserRun.code ?? browserRun.signal} with no failing test)`);
} else {
  failedSteps.push(stopped('browser tests', browserRun));
}

let nodeTimes = '';
try { nodeTimes = readFileSync(nodeTimesFile, 'utf8'); } catch {}
const fileTimes = [...parseNodeFileTimes(nodeTimes, process.cwd()), ...(browser?.fileTimes ?? [])].sort((a, b) => b.ms - a.ms);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
if (fileTimes.length) console.log(`\nslowest test files: ${fileTimes.slice(0, 10).map(({ file, ms }) => `${file} ${seconds(ms)}`).join('; ')}`);
console.log(`the run took ${seconds(performance.now())}: Node tests ${seconds(nodeEnded - started)}, browser tests ${seconds(performance.now() - nodeEnded)}`);
if (skippedNames.length) console.log(`\nskipped: ${skippedNames.join('; ')}`);
if (failedSteps.length) console.log(`\nfailed steps: ${failedSteps.join('; ')}`);
const skipped = results.skipped ? `, ${results.skipped} skipped` : '';
console.log(`${failedSteps.length ? '' : '\n'}${results.passed} passed, ${results.failed} failed${skipped}`);
process.exit(results.failed || failedSteps.length ? 1 : 0);
