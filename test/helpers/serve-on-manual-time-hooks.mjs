// Module hooks for serve-cli-child.ts: the command's `import { serve } from './serve.js'` gets
// serve-on-manual-time.ts, which passes the same options on with a playback time the test moves.
const wrapper = new URL('./serve-on-manual-time.ts', import.meta.url).href;

export async function resolve(specifier, context, next) {
  if (specifier === './serve.js' && context.parentURL?.endsWith('/src/cli/main.ts')) return next(wrapper, context);
  return next(specifier, context);
}
