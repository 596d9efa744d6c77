import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { StorybookConfig } from '@storybook/web-components-vite';

const recordings = fileURLToPath(new URL('../demo/recordings', import.meta.url));
const dist = fileURLToPath(new URL('../dist', import.meta.url));
if (!existsSync(dist)) console.warn('storybook: dist/ is missing, so the "Strict CSP" story has no player to load: run `npm run build` first.');

const config: StorybookConfig = {
  stories: ['../stories/**/*.mdx', '../stories/**/*.stories.@(ts|js)'],
  addons: ['@storybook/addon-docs'],
  framework: '@storybook/web-components-vite',
  staticDirs: [
    // Sample recordings at /recordings/<name>.tar (named .tar, never .gz: see README), one by one,
    // leaving out the 1-hour benchmark recordings (long-*, over 100 MB each, not committed).
    ...readdirSync(recordings)
      .filter((name) => !name.startsWith('long-'))
      .map((name) => ({ from: `../demo/recordings/${name}`, to: `/recordings/${name}` })),
    // The strict-CSP page of the "Strict CSP" story, and the built player it loads (npm run build).
    { from: '../stories/csp-page', to: '/csp-page' },
    ...(existsSync(dist) ? [{ from: '../dist', to: '/player' }] : []),
  ],
  core: { disableTelemetry: true },
};
export default config;
