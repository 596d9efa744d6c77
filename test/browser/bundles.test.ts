import { expect } from '@open-wc/testing';
import { blobUrl, pixelsOf, screenRecording } from '../helpers/screen-recording.js';

// The built bundles (npm test builds dist/ before the browser tests): what a portal embeds.
interface PlayerLike extends HTMLElement {
  src: string;
  readyState: number;
  captureFrame(): Promise<Blob>;
}

function loadClassicScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(script);
  });
}

describe('dist/desktop-recording-player.iife.js', () => {
  it('one classic <script> registers the element, whose inlined worker plays a recording', async () => {
    await loadClassicScript('/dist/desktop-recording-player.iife.js');
    expect(customElements.get('desktop-recording-player')).to.be.a('function');
    const bytes = await screenRecording([
      { timeMs: 0, screen: { width: 128, height: 64 } },
      { timeMs: 0, tile: { left: 0, top: 0, color: [200, 30, 30] } },
      { timeMs: 0, tile: { left: 64, top: 0, color: [30, 30, 200] } },
    ]);
    const player = document.createElement('desktop-recording-player') as PlayerLike;
    document.body.append(player);
    const loaded = new Promise((resolve) => player.addEventListener('loadeddata', resolve, { once: true }));
    player.src = blobUrl(bytes);
    await loaded;
    const frame = await pixelsOf(await player.captureFrame());
    expect([frame.width, frame.height]).to.deep.equal([128, 64]);
    expect(frame.at(32, 32).slice(0, 3)).to.deep.equal([200, 30, 30]);
    expect(frame.at(96, 32).slice(0, 3)).to.deep.equal([30, 30, 200]);
    player.remove();
  });
});
