import { setCustomElementsManifest, type Preview } from '@storybook/web-components-vite';
// The manifest generated from the element's JSDoc (npm run manifest) drives the docs and controls.
import manifest from '../custom-elements.json';

setCustomElementsManifest(manifest);

const preview: Preview = {
  parameters: { layout: 'padded' },
};
export default preview;
