// A @web/test-runner plugin: pages served with a strict Content-Security-Policy header, each
// loading the built player (dist/) one way, for test/browser/csp.test.ts to open in an iframe.
//   /__csp/esm.html              the ESM bundle (its worker from the same origin, beside it)
//   /__csp/iife-worker-src.html  the one-file script, worker-src pointing at dist/recording.worker.js
//   /__csp/iife.html             the one-file script alone (its inlined worker would be a blob:)
//   /__csp/text-search.html      the ESM bundle with text-search: the player builds the text index
//                                with the OCR engine from the page's origin, the strict policy plus
//                                what OCR needs (TEXT_SEARCH_CSP)
//   /__csp/text-search-strict.html  the same under the strict policy alone
//   /__csp/no-nested-workers.html  the ESM bundle under the strict policy, its worker's own policy
//                                forbidding workers (so it cannot start the worker that hashes)
// The policy allows nothing inline, no eval, and workers and scripts only from the page's origin.
// Every page first loads /__csp/violations.js, which keeps the page's CSP violation reports in
// `window.cspViolations`. The text-search pages load the player, its workers and the OCR files
// from /__csp/<page>/dist/ and /__csp/<page>/ocr/, each answered with the page's policy too: a
// worker started from a URL runs under the policy of its own response, not the page's.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

export const STRICT_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
].join('; ');

/**
 * What building the text index adds to STRICT_CSP: tesseract's engine is WebAssembly, which a
 * policy with a script-src compiles only with 'wasm-unsafe-eval' (no 'unsafe-eval').
 */
export const TEXT_SEARCH_CSP = STRICT_CSP.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'");

const violationsScript = `window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.cspViolations.push({ directive: event.effectiveDirective, blocked: event.blockedURI, sample: event.sample });
});
`;

const textSearchPage = (variant) => `<script type="module" src="/__csp/${variant}/dist/desktop-recording-player.js"></script>
    <desktop-recording-player controls text-search text-search-src="/__csp/${variant}/ocr/"></desktop-recording-player>`;

/** The policy of each text-search page, of its player and workers, and of the OCR files. */
const textSearchPolicies = { 'text-search': TEXT_SEARCH_CSP, 'text-search-strict': STRICT_CSP };
/** The policy of the files of dist/ (so of the player's worker) for each page that loads them from /__csp/<page>/dist/. */
const filePolicies = { ...textSearchPolicies, 'no-nested-workers': STRICT_CSP.replace("worker-src 'self'", "worker-src 'none'") };

const root = resolve(new URL('../..', import.meta.url).pathname);
/** The OCR files in the layout of text-search-src (as test/tools/text-search-middleware.mjs serves them). */
const ocrFiles = [
  [/^(tesseract\.esm\.min\.js|worker\.min\.js)$/, 'node_modules/tesseract.js/dist/$1'],
  [/^core\/(tesseract-core[\w-]*\.wasm\.js)$/, 'node_modules/tesseract.js-core/$1'],
  [/^lang\/(eng\.traineddata\.gz)$/, 'node_modules/@tesseract.js-data/eng/4.0.0/$1'],
];

/** A file of dist/ (byte for byte) or an OCR file, under a text-search page's policy. */
async function textSearchFile(variant, folder, name) {
  const policy = filePolicies[variant];
  let path;
  if (folder === 'dist' && /^(chunks\/)?[\w.-]+\.js$/.test(name)) path = resolve(root, 'dist', name);
  const ocr = folder === 'ocr' && ocrFiles.find(([pattern]) => pattern.test(name));
  if (ocr) path = resolve(root, name.replace(ocr[0], ocr[1]));
  if (!policy || !path) return undefined;
  const body = await readFile(path);
  return { body, type: path.endsWith('.js') ? 'js' : 'application/octet-stream', headers: { 'content-security-policy': policy, 'cache-control': 'no-store' } };
}

const pages = {
  'text-search': textSearchPage('text-search'),
  'text-search-strict': textSearchPage('text-search-strict'),
  'no-nested-workers': `<script type="module" src="/__csp/no-nested-workers/dist/desktop-recording-player.js"></script>
    <desktop-recording-player controls></desktop-recording-player>`,
  esm: `<script type="module" src="/dist/desktop-recording-player.js"></script>
    <desktop-recording-player controls></desktop-recording-player>`,
  'iife-worker-src': `<script src="/dist/desktop-recording-player.iife.js"></script>
    <desktop-recording-player controls worker-src="/dist/recording.worker.js"></desktop-recording-player>`,
  iife: `<script src="/dist/desktop-recording-player.iife.js"></script>
    <desktop-recording-player controls></desktop-recording-player>`,
};

export function cspPagePlugin() {
  return {
    name: 'csp-pages',
    async serve(context) {
      if (context.path === '/__csp/violations.js') return { body: violationsScript, type: 'js' };
      const file = /^\/__csp\/([\w-]+)\/(dist|ocr)\/(.+)$/.exec(context.path);
      if (file) return textSearchFile(file[1], file[2], file[3]);
      const variant = /^\/__csp\/([\w-]+)\.html$/.exec(context.path)?.[1];
      if (!variant || !Object.hasOwn(pages, variant)) return undefined;
      const body = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>CSP: ${variant}</title>
    <script src="/__csp/violations.js"></script>
  </head>
  <body>
    ${pages[variant]}
  </body>
</html>
`;
      return { body, type: 'html', headers: { 'content-security-policy': textSearchPolicies[variant] ?? STRICT_CSP, 'cache-control': 'no-store' } };
    },
  };
}
