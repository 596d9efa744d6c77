// A @web/test-runner middleware: /text-search/ answers the OCR engine's files from the installed
// packages in the layout of the player's text-search-src (docs/text-index.md), as
// `desktop-recording serve` does, so the element's text search loads them from the page's origin.
const files = [
  [/^\/text-search\/(tesseract\.esm\.min\.js|worker\.min\.js)$/, '/node_modules/tesseract.js/dist/$1'],
  [/^\/text-search\/core\/(tesseract-core[\w-]*\.wasm\.js)$/, '/node_modules/tesseract.js-core/$1'],
  [/^\/text-search\/lang\/(eng\.traineddata\.gz)$/, '/node_modules/@tesseract.js-data/eng/4.0.0/$1'],
];

export function textSearchMiddleware() {
  return function textSearchFiles(ctx, next) {
    for (const [pattern, target] of files) {
      if (pattern.test(ctx.path)) {
        ctx.url = ctx.path.replace(pattern, target);
        break;
      }
    }
    return next();
  };
}
