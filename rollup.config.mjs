import { nodeResolve } from '@rollup/plugin-node-resolve';
import esbuild from 'rollup-plugin-esbuild';

const plugins = () => [
  nodeResolve({ browser: false, exportConditions: ['production'] }),
  esbuild({ target: 'es2022', tsconfig: 'tsconfig.json' }),
];
const onwarn = (warning, warn) => {
  // @bufbuild/protobuf's size-delimited helpers reference top-level `this`; harmless.
  if (warning.code !== 'THIS_IS_UNDEFINED') warn(warning);
};

export default [
  {
    // Library entries: the format layer, the recorder shim and the CLI (Node built-ins stay external).
    input: { format: 'src/format/index.ts', recorder: 'src/recorder/index.ts', cli: 'src/cli/main.ts' },
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    external: (id) => id.startsWith('node:'),
    plugins: plugins(),
    onwarn,
  },
];
