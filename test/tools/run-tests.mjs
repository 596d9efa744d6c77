#!/usr/bin/env node
// The whole test suite: typecheck, build (bundles and Storybook), DOM-free tests in Node, browser tests in headless
// Chromium. Ends with one plain "N passed, N failed" line that sums every step.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';

const results = { passed: 0, failed: 0, skipped: 0 };
const run = (cmd, args, env = {}) =>
  spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;

function step(name, cmd, args) {
  console.log(`\n== ${name}`);
  const ok = run(cmd, args) === 0;
  ok ? results.passed++ : results.failed++;
  return ok;
}

step('ensure chromium', 'node', ['test/tools/ensure-chromium.mjs']);
step('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
const built = step('build', 'npm', ['run', 'build', '--silent']);
step('storybook build', 'npx', ['storybook', 'build', '--quiet', '-o', 'storybook-static']);

console.log('\n== node tests');
mkdirSync('.test-results', { recursive: true });
rmSync('.test-results/node.tap', { force: true });
const nodeArgs = ['--import', 'tsx', '--test', '--test-concurrency=1',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', '--test-reporter-destination=.test-results/node.tap',
  // Node 20's --test takes no globs: list the files.
  ...readdirSync('test/node', { recursive: true }).filter((f) => f.endsWith('.test.ts')).sort().map((f) => `test/node/${f}`)];
const nodeStatus = run('node', nodeArgs);
let tap = '';
try { tap = readFileSync('.test-results/node.tap', 'utf8'); } catch {}
const count = (key) => Number(tap.match(new RegExp(`^# ${key} (\\d+)`, 'm'))?.[1] ?? 0);
results.passed += count('pass');
results.failed += count('fail') + count('cancelled');
results.skipped += count('skipped') + count('todo');
if (nodeStatus !== 0 && count('fail') + count('cancelled') === 0) results.failed++;

console.log('\n== browser tests');
const wtr = spawnSync('npx', ['web-test-runner', '--config', 'web-test-runner.config.mjs'], {
  stdio: ['inherit', 'pipe', 'inherit'], env: process.env, encoding: 'utf8',
});
process.stdout.write(wtr.stdout ?? '');
const browserLine = (wtr.stdout ?? '').match(/browser: (\d+) passed, (\d+) failed(?:, (\d+) skipped)?/);
if (browserLine) {
  results.passed += Number(browserLine[1]);
  results.failed += Number(browserLine[2]);
  results.skipped += Number(browserLine[3] ?? 0);
}
if (wtr.status !== 0 && (!browserLine || Number(browserLine[2]) === 0)) results.failed++;
if (!built) console.log('(build failed)');

const skipped = results.skipped ? `, ${results.skipped} skipped` : '';
console.log(`\n${results.passed} passed, ${results.failed} failed${skipped}`);
process.exit(results.failed ? 1 : 0);
