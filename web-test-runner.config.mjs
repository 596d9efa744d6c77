import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { countReporter } from './test/tools/count-reporter.mjs';
import { chromiumPath, chromiumFlags } from './test/tools/chromium.mjs';
import { playbackServerPlugin } from './test/tools/playback-server-plugin.mjs';
import { cspPagePlugin } from './test/tools/csp-page-plugin.mjs';
import { distRawPlugin } from './test/tools/dist-raw-plugin.mjs';
import { heldStreamMiddleware } from './test/tools/held-stream-middleware.mjs';
import { pacedRangeMiddleware } from './test/tools/paced-range-middleware.mjs';
import { textSearchMiddleware } from './test/tools/text-search-middleware.mjs';

export default {
  files: 'test/browser/**/*.test.ts',
  nodeResolve: { exportConditions: ['production'] },
  // Sources say new URL('./x.worker.js', import.meta.url); only the .ts exists under src/.
  middleware: [
    function workerTs(ctx, next) {
      if (ctx.url.startsWith('/src/') && /\.worker\.js(\?|$)/.test(ctx.url)) ctx.url = ctx.url.replace(/\.worker\.js/, '.worker.ts');
      return next();
    },
    // mediabunny's "browser" field maps its Node file access (dist/modules/src/node.js) to nothing;
    // this nodeResolve does not read "browser" fields, so that one file is served empty here.
    function mediabunnyBrowserField(ctx, next) {
      if (ctx.path === '/node_modules/mediabunny/dist/modules/src/node.js') {
        ctx.type = 'js';
        ctx.body = 'export {};\n';
        return undefined;
      }
      return next();
    },
    heldStreamMiddleware(),
    pacedRangeMiddleware(),
    textSearchMiddleware(),
  ],
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }), playbackServerPlugin(), cspPagePlugin(), distRawPlugin()],
  testFramework: { config: { timeout: 60000 } },
  // A give-up limit per test file, not a time it must meet: the browser reader suite (both inflaters) took
  // 117 s and more with another whole suite running beside it, where the default of 120 s killed it.
  testsFinishTimeout: 600_000,
  concurrency: 1,
  reporters: [defaultReporter(), countReporter()],
  staticLogging: true,
  browsers: [chromeLauncher({ launchOptions: { executablePath: chromiumPath(), headless: true, args: chromiumFlags } })],
};
