// A @web/test-runner plugin: pages served with a strict Content-Security-Policy header, each
// loading the built player (dist/) one way, for test/browser/csp.test.ts to open in an iframe.
//   /__csp/esm.html              the ESM bundle (its worker from the same origin, beside it)
//   /__csp/iife-worker-src.html  the one-file script, worker-src pointing at dist/recording.worker.js
//   /__csp/iife.html             the one-file script alone (its inlined worker would be a blob:)
// The policy allows nothing inline, no eval, and workers and scripts only from the page's origin.
// Every page first loads /__csp/violations.js, which keeps the page's CSP violation reports in
// `window.cspViolations`.

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

const violationsScript = `window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.cspViolations.push({ directive: event.effectiveDirective, blocked: event.blockedURI, sample: event.sample });
});
`;

const pages = {
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
    serve(context) {
      if (context.path === '/__csp/violations.js') return { body: violationsScript, type: 'js' };
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
      return { body, type: 'html', headers: { 'content-security-policy': STRICT_CSP, 'cache-control': 'no-store' } };
    },
  };
}
