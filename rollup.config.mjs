import { nodeResolve } from '@rollup/plugin-node-resolve';
import esbuild from 'rollup-plugin-esbuild';

const plugins = () => [
  nodeResolve({ browser: false, exportConditions: ['production'] }),
  esbuild({ target: 'es2022', tsconfig: 'tsconfig.json' }),
];
// Browser builds: browser fields, lit's production build (no dev-mode warnings), minified.
const browserPlugins = () => [
  nodeResolve({ browser: true, exportConditions: ['production'] }),
  esbuild({ target: 'es2022', tsconfig: 'tsconfig.json', minify: true }),
];
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

export default [
  {
    // Library entries: the format layer, the recorder shim and the CLI (Node built-ins stay external).
    input: { format: 'src/format/index.ts', recorder: 'src/recorder/index.ts', cli: 'src/cli/main.ts' },
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    external: (id) => id.startsWith('node:'),
    plugins: plugins(),
    onwarn,
  },
  {
    // The element. It starts its worker with new URL('./recording.worker.js', import.meta.url),
    // which rollup leaves alone, so the worker must sit beside it under that name.
    input: 'src/index.ts',
    output: { file: 'dist/desktop-recording-player.js', format: 'es' },
    plugins: [...browserPlugins(), indexReexport()],
    onwarn,
  },
  {
    // The player worker: one self-contained module (format layer, fflate, protobuf, core).
    input: 'src/worker/recording.worker.ts',
    output: { file: 'dist/recording.worker.js', format: 'es' },
    plugins: browserPlugins(),
    onwarn,
  },
];
