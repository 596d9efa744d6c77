import { readFileSync } from 'node:fs';
import path from 'node:path';
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import esbuild, { minify } from 'rollup-plugin-esbuild';
import { transform as esbuildTransform } from 'esbuild';

const plugins = () => [
  nodeResolve({ browser: false, exportConditions: ['production'] }),
  esbuild({ target: 'es2022', tsconfig: 'tsconfig.json' }),
];

/**
 * Minifies the static text of lit's tagged templates, which a JS minifier leaves as it is: `css`
 * through esbuild's CSS minifier, `html` / `svg` by dropping the indentation between tags (a run of
 * whitespace with a line break between a tag and a tag or child expression goes; any other becomes
 * one space, as the HTML parser would render it). Runs on the JS esbuild made of each source file.
 */
function minifyLitTemplates() {
  const templateTags = new Set(['css', 'html', 'svg']);
  // Back to template-literal source: escape what would end the literal or start an expression.
  const toRaw = (text) => text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
  // `afterChild`: the text follows the template's start or an expression in a child position.
  const collapseMarkup = (text, afterChild, last) =>
    text.replace(/\s*\n\s*/g, (space, offset) => {
      const before = offset === 0 ? (afterChild ? '>' : '') : text[offset - 1];
      const end = offset + space.length;
      const after = end === text.length ? (last ? '<' : '${') : text[end];
      return before === '>' && (after === '<' || after === '${') ? '' : ' ';
    });
  return {
    name: 'minify-lit-templates',
    async transform(code, id) {
      if (!/[\\/]src[\\/]element[\\/].*\.ts$/.test(id) || !/(css|html|svg)`/.test(code)) return null;
      const edits = [];
      const visit = async (node) => {
        if (!node || typeof node.type !== 'string') return;
        if (node.type === 'TaggedTemplateExpression' && node.tag.type === 'Identifier' && templateTags.has(node.tag.name)) {
          const quasis = node.quasi.quasis;
          for (const [index, quasi] of quasis.entries()) {
            const text = quasi.value.cooked;
            let minified;
            const afterChild = index === 0 || /(^|>)\s*$/.test(quasis[index - 1].value.cooked);
            if (node.tag.name !== 'css') minified = collapseMarkup(text, afterChild, index === quasis.length - 1);
            else if (quasis.length === 1) minified = (await esbuildTransform(text, { loader: 'css', minify: true })).code.trim();
            else minified = text.replace(/\/\*[^]*?\*\//g, '').replace(/\s+/g, ' ');
            edits.push({ start: quasi.start, end: quasi.end, text: toRaw(minified) });
          }
        }
        for (const value of Object.values(node)) {
          if (Array.isArray(value)) for (const child of value) await visit(child);
          else if (value && typeof value === 'object') await visit(value);
        }
      };
      await visit(this.parse(code));
      let out = code;
      for (const edit of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
      return { code: out, map: null };
    },
  };
}

/**
 * mediabunny's package.json maps its Node file access (`dist/modules/src/node.js`) to `false` for
 * browsers; node-resolve does not apply that to imports inside a package resolved through
 * `exports`, so the file would pull `node:fs/promises` into the worker. Here it is empty.
 */
function browserFieldFalse() {
  const empty = '\0browser-field-false';
  return {
    name: 'browser-field-false',
    resolveId(id, importer) {
      if (id === './node.js' && importer && /[\\/]node_modules[\\/]mediabunny[\\/]/.test(importer)) return empty;
    },
    load(id) {
      if (id === empty) return 'export {};';
    },
  };
}

// Browser builds: browser fields, lit's production build (no dev-mode warnings), minified. Minified
// per chunk, not per module: a minified module loses its /*@__PURE__*/ annotations, and rollup
// would keep every generated protobuf descriptor (and the runtime they need) that nothing uses.
const browserPlugins = () => [
  browserFieldFalse(),
  nodeResolve({ browser: true, exportConditions: ['production'] }),
  esbuild({ target: 'es2022', tsconfig: 'tsconfig.json' }),
  minifyLitTemplates(),
  minify({ target: 'es2022' }),
];
/**
 * Whether a module may have side effects, for tree-shaking: not when its package says
 * `"sideEffects": false`. node-resolve tells rollup that too, but not always (it reads package.json
 * files concurrently): without this, builds of the same sources kept @bufbuild/protobuf's
 * descriptors in the worker in some runs and not in others (7 KB minified). Plugins' answers win.
 */
const sideEffectFreePackages = new Map();
function moduleSideEffects(id) {
  const packageRoot = /^(.*[\\/]node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(id)?.[1];
  if (!packageRoot) return true;
  if (!sideEffectFreePackages.has(packageRoot)) {
    let free = false;
    try {
      free = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')).sideEffects === false;
    } catch {
      // No readable package.json: assume side effects.
    }
    sideEffectFreePackages.set(packageRoot, free);
  }
  return !sideEffectFreePackages.get(packageRoot);
}
const treeshake = { moduleSideEffects };

const onwarn = (warning, warn) => {
  // @bufbuild/protobuf's size-delimited helpers reference top-level `this`; harmless.
  if (warning.code !== 'THIS_IS_UNDEFINED') warn(warning);
};

/** `dist/index.js` (the package's "." export) re-exports the element bundle, so a page never loads two copies. */
function indexReexport() {
  return {
    name: 'index-reexport',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'index.js', source: "export * from './desktop-recording-player.js';\n" });
    },
  };
}

/** `import code from 'inline-worker:./x.ts'`: bundles that worker on its own and inlines it as a string. */
function inlineWorker() {
  const prefix = 'inline-worker:';
  return {
    name: 'inline-worker',
    resolveId(id, importer) {
      if (id.startsWith(prefix)) return `\0${prefix}${path.resolve(path.dirname(importer), id.slice(prefix.length))}`;
    },
    async load(id) {
      if (!id.startsWith(`\0${prefix}`)) return;
      const file = id.slice(prefix.length + 1);
      this.addWatchFile(file);
      const bundle = await rollup({ input: file, plugins: [withoutVideoExport(), ...browserPlugins()], treeshake, onwarn });
      const { output } = await bundle.generate({ format: 'es', inlineDynamicImports: true });
      await bundle.close();
      return `export default ${JSON.stringify(output[0].code)};`;
    },
  };
}

/**
 * The one-file build leaves video export out: it is a chunk of 165 KB (mediabunny and the encoder
 * loop) that a worker started from a `blob:` URL could not load beside itself, and inlining it
 * would triple the script. Its `exportVideo()` answers NotSupportedError with what to do instead.
 */
function withoutVideoExport() {
  const stub = '\0video-export-unavailable';
  return {
    name: 'without-video-export',
    resolveId(id) {
      if (id.endsWith('/export/video-export.js')) return stub;
    },
    load(id) {
      if (id !== stub) return;
      return `export async function exportVideo() {
  throw new DOMException('video export is not part of the one-file script (desktop-recording-player.iife.js): set worker-src to the URL of recording.worker.js, with the chunks/ folder beside it, or load the module build', 'NotSupportedError');
}`;
    },
  };
}

/** In the one-file build, the worker factory that inlines the worker replaces the one that loads it from a URL. */
function inlineWorkerFactory() {
  return {
    name: 'inline-worker-factory',
    async resolveId(id, importer, options) {
      if (id === './worker-factory.js' && importer?.includes(`${path.sep}worker${path.sep}`)) {
        return this.resolve('./worker-factory.inline.ts', importer, options);
      }
    },
  };
}

export default [
  {
    // Library entries: the format layer, the recorder shim and the CLI (Node built-ins and the
    // CommonJS `ws` package, a dependency, stay external).
    input: { format: 'src/format/index.ts', recorder: 'src/recorder/index.ts', cli: 'src/cli/main.ts' },
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    external: (id) => id.startsWith('node:') || id === 'ws' || id === 'tesseract.js',
    plugins: plugins(),
    onwarn,
  },
  {
    // The element. It starts its worker with new URL('./recording.worker.js', import.meta.url),
    // which rollup leaves alone, so the worker must sit beside it under that name.
    input: 'src/index.ts',
    // What only some recordings need (the transfer and clipboard lanes…) is a chunk, loaded on first use.
    output: { dir: 'dist', format: 'es', entryFileNames: 'desktop-recording-player.js', chunkFileNames: 'chunks/element-[name]-[hash].js' },
    preserveEntrySignatures: 'allow-extension',
    plugins: [...browserPlugins(), indexReexport()],
    treeshake,
    onwarn,
  },
  {
    // The player worker (format layer and core; no protobuf runtime). What only some recordings
    // or actions need is split into chunks beside it and loaded on first use: fflate (where the
    // platform cannot inflate), the playback websocket client, video export (with mediabunny).
    input: 'src/worker/recording.worker.ts',
    output: { dir: 'dist', format: 'es', entryFileNames: 'recording.worker.js', chunkFileNames: 'chunks/player-[name]-[hash].js' },
    // The chunks import what they share from the worker itself, not from a facade chunk.
    preserveEntrySignatures: 'allow-extension',
    plugins: browserPlugins(),
    treeshake,
    onwarn,
  },
  {
    // The text index worker (OCR), started only when a page asks for text search; the OCR engine
    // itself is not bundled: the worker imports it from the deployment's URLs.
    input: 'src/worker/text-index.worker.ts',
    output: { file: 'dist/text-index.worker.js', format: 'es', inlineDynamicImports: true },
    plugins: browserPlugins(),
    treeshake,
    onwarn,
  },
  {
    // One classic script for <script src> embedding in any portal: element and worker in one file.
    input: 'src/index.ts',
    output: { file: 'dist/desktop-recording-player.iife.js', format: 'iife', name: 'DesktopRecordingPlayer', inlineDynamicImports: true },
    plugins: [inlineWorkerFactory(), inlineWorker(), ...browserPlugins()],
    treeshake,
    onwarn,
  },
  {
    // German texts, opt-in (not in the bundles above): one file that is both a classic script and a
    // module, and registers itself with whichever bundle defined the element.
    input: 'src/strings/de.ts',
    output: { file: 'dist/strings-de.js', format: 'iife' },
    plugins: browserPlugins(),
    treeshake,
    onwarn,
  },
];
