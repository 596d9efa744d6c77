// `npm run manifest`: custom-elements.json from the element's JSDoc (published, read by Storybook and IDEs).
export default {
  globs: ['src/element/desktop-recording-player.ts', 'src/define.ts'],
  outdir: '.',
  litelement: true,
};
