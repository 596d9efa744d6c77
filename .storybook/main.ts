import type { StorybookConfig } from '@storybook/web-components-vite';

const config: StorybookConfig = {
  stories: ['../stories/**/*.mdx', '../stories/**/*.stories.@(ts|js)'],
  addons: ['@storybook/addon-docs'],
  framework: '@storybook/web-components-vite',
  // Sample recordings are served at /recordings/<name>.tar (named .tar, never .gz: see README).
  staticDirs: [{ from: '../demo/recordings', to: '/recordings' }],
  core: { disableTelemetry: true },
};
export default config;
