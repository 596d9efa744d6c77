// What run-tests.mjs reads from the two runners, checked against their real output: Node's test runner and
// web-test-runner (headless Chromium) run small test files written here, with skipped suites, a failing test, a file
// that crashes and a file that cannot load. Skipped tests must count as skipped and broken files must be named.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface NodeReport { summary: boolean; passed: number; failed: number; skipped: number; skippedNames: string[]; brokenFiles: { name: string; reason: string }[] }
interface FileTime { file: string; ms: number }
interface BrowserReport { passed: number; failed: number; skipped: number; skippedNames: string[]; brokenFiles: string[]; fileTimes: FileTime[] }
const results = (await import(new URL('../tools/test-results.mjs', import.meta.url).href)) as {
  parseNodeTap(tap: string): NodeReport;
  parseBrowserSummary(log: string): BrowserReport | undefined;
  parseNodeFileTimes(text: string, root: string): FileTime[];
};
const tools = (await import(new URL('../tools/chromium.mjs', import.meta.url).href)) as { findChromium(): string | undefined };
const root = fileURLToPath(new URL('../..', import.meta.url));
// A node --test inside a node --test would report to its parent in the parent's format: this one reports as a run.
const { NODE_TEST_CONTEXT: _, ...env } = process.env;

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'test-results-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("Node's TAP report", () => {
  test('counts tests, skipped tests and skipped suites; a crashed file is named, not counted as one failure', async () => {
    await writeFile(join(dir, 'a.test.mjs'), `import { describe, it } from 'node:test';
describe.skip('off suite', () => { it('x', () => {}); it('y', () => {}); });
describe('on', () => { it('passes', () => {}); it('fails', () => { throw new Error('no'); }); it('off', { skip: true }, () => {}); });
it.todo('later');
`);
    await writeFile(join(dir, 'b.test.mjs'), `import { it } from 'node:test';
it('b passes', () => {});
process.exit(3);
`);
    const run = spawnSync('node', ['--test', '--test-reporter=tap', 'a.test.mjs', 'b.test.mjs'], { cwd: dir, env, encoding: 'utf8' });
    assert.equal(run.status, 1);
    const report = results.parseNodeTap(run.stdout);
    assert.equal(report.summary, true);
    assert.equal(report.passed, 1);
    assert.equal(report.failed, 1, 'the failing test only; the crashed file is listed apart');
    assert.equal(report.skipped, 3, 'the skipped test, the todo and the skipped suite');
    assert.deepEqual(report.skippedNames.sort(), ['later', 'off', 'off suite (suite)']);
    assert.deepEqual(report.brokenFiles, [{ name: join(dir, 'b.test.mjs'), reason: 'its process exited with code 3' }]);
  });

  test('file-times-reporter.mjs gives each file the sum of its top-level tests, as TAP reports them', async () => {
    await writeFile(join(dir, 'd.test.mjs'), `import { describe, it } from 'node:test';
describe('d1', () => { it('x', () => {}); });
describe('d2', () => { it('y', () => {}); });
`);
    await writeFile(join(dir, 'e.test.mjs'), `import { it } from 'node:test';\nit('e', () => { throw new Error('no'); });\n`);
    const reporter = join(root, 'test/tools/file-times-reporter.mjs');
    const run = spawnSync('node', ['--test', '--test-concurrency=1', '--test-reporter=tap', '--test-reporter-destination=stdout', `--test-reporter=${reporter}`, '--test-reporter-destination=times.tsv', 'd.test.mjs', 'e.test.mjs'], { cwd: dir, env, encoding: 'utf8' });
    assert.equal(run.status, 1);
    const times = results.parseNodeFileTimes(await readFile(join(dir, 'times.tsv'), 'utf8'), dir).sort((a, b) => a.file.localeCompare(b.file));
    const topLevel = [...run.stdout.matchAll(/^(?:not )?ok \d+ - .*\n  ---\n  duration_ms: ([\d.]+)/gm)].map((m) => Number(m[1]));
    assert.equal(topLevel.length, 3, 'd1, d2 and e at the top level');
    assert.deepEqual(times.map(({ file }) => file), ['d.test.mjs', 'e.test.mjs'], 'a failed test counts too');
    assert.ok(Math.abs(times[0]!.ms - (topLevel[0]! + topLevel[1]!)) < 0.01, `d: ${times[0]!.ms} ms, its suites ${topLevel}`);
    assert.ok(Math.abs(times[1]!.ms - topLevel[2]!) < 0.01, `e: ${times[1]!.ms} ms`);
  });

  test('a report cut short (the runner was killed) has no summary', async () => {
    await writeFile(join(dir, 'c.test.mjs'), `import { it } from 'node:test';\nit('c', () => {});\n`);
    const run = spawnSync('node', ['--test', '--test-reporter=tap', 'c.test.mjs'], { cwd: dir, env, encoding: 'utf8' });
    const cut = run.stdout.slice(0, run.stdout.indexOf('1..'));
    const report = results.parseNodeTap(cut);
    assert.equal(report.summary, false);
    assert.equal(report.passed, 1);
    assert.equal(results.parseNodeTap(run.stdout).summary, true);
  });
});

const chromium = tools.findChromium();
describe('web-test-runner with count-reporter.mjs', { skip: chromium ? false : 'no Chromium found' }, () => {
  test('counts skipped suites as skipped tests and names a file that could not load', async () => {
    await writeFile(join(dir, 'a.test.js'), `describe.skip('off suite', () => { it('x', () => {}); it('y', () => {}); });
describe('on', () => { it('passes', () => {}); it.skip('off', () => {}); it('fails', () => { throw new Error('no'); }); });
`);
    await writeFile(join(dir, 'b.test.js'), `import './missing.js';\nit('never', () => {});\n`);
    const tool = (path: string) => pathToFileURL(join(root, path)).href;
    await writeFile(join(dir, 'wtr.config.mjs'), `import { chromeLauncher } from ${JSON.stringify(tool('node_modules/@web/test-runner-chrome/dist/index.js'))};
import { defaultReporter } from ${JSON.stringify(tool('node_modules/@web/test-runner/dist/index.js'))};
import { countReporter } from ${JSON.stringify(tool('test/tools/count-reporter.mjs'))};
import { chromiumFlags } from ${JSON.stringify(tool('test/tools/chromium.mjs'))};
export default { rootDir: ${JSON.stringify(dir)}, files: ['*.test.js'], concurrency: 1, staticLogging: true,
  reporters: [defaultReporter(), countReporter()],
  browsers: [chromeLauncher({ launchOptions: { executablePath: ${JSON.stringify(chromium)}, headless: true, args: chromiumFlags } })] };
`);
    const run = spawnSync(join(root, 'node_modules/.bin/web-test-runner'), ['--config', join(dir, 'wtr.config.mjs')], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 1, run.stderr);
    const report = results.parseBrowserSummary(run.stdout);
    assert.ok(report, run.stdout);
    assert.deepEqual({ passed: report.passed, failed: report.failed, skipped: report.skipped }, { passed: 1, failed: 1, skipped: 3 });
    assert.deepEqual(report.skippedNames, ['a.test.js › off suite › x', 'a.test.js › off suite › y', 'a.test.js › on › off']);
    assert.equal(report.brokenFiles.length, 1);
    assert.match(report.brokenFiles[0]!, /^b\.test\.js \(Could not import/);
    assert.deepEqual(report.fileTimes.map(({ file }) => file), ['a.test.js', 'b.test.js'], 'a time for each file');
    assert.equal(report.fileTimes[1]!.ms, 0, 'no test ran in b.test.js');
  });

  test('no summary when the runner stopped before its reporter printed', () => {
    assert.equal(results.parseBrowserSummary('Chrome: |██████| 3/20 test files | 10 passed, 0 failed\n'), undefined);
  });
});
