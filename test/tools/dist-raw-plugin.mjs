// A @web/test-runner plugin: /__dist-raw?file=<name> answers a file of dist/ byte for byte (the
// dev server reformats the .js files it serves), for test/browser/bundles.test.ts to weigh.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

export function distRawPlugin() {
  const dist = resolve(new URL('../../dist', import.meta.url).pathname);
  return {
    name: 'dist-raw',
    async serve(context) {
      if (context.path !== '/__dist-raw') return undefined;
      const file = context.URL.searchParams.get('file') ?? '';
      if (!/^[\w.-]+\.js$/.test(file)) return { body: 'bad file name', type: 'text/plain' };
      return { body: await readFile(resolve(dist, file)), type: 'application/octet-stream', headers: { 'cache-control': 'no-store' } };
    },
  };
}
