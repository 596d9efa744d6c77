import { expect } from '@open-wc/testing';
import { blobUrl, pixelsOf, screenRecording } from '../helpers/screen-recording.js';

// The built bundles (npm test builds dist/ before the browser tests): what a portal embeds.
interface PlayerLike extends HTMLElement {
  src: string;
  readyState: number;
  updateComplete: Promise<boolean>;
  captureFrame(): Promise<Blob>;
  exportVideo(options?: { width?: number }): Promise<Blob>;
}

/**
 * Gzipped bytes the element's bundle may take: 17.5 KB before the export button, the activity
 * strip, the live badge and localized markers (19.5 KB); 21.3 KB once split into controllers and
 * template modules with a virtualized marker list (about 1.2 KB of that is the split itself); about
 * 22.1 KB with transfer rows and lanes (their rendering is a lazy chunk) and seeks that read at once;
 * 21.2 KB once what the panels show (and their English texts) became a chunk; 22.3 KB with the
 * hooks that load text search, review notes and coverage, and the evidence bundle (each a chunk).
 */
const ELEMENT_BUDGET = 22.5 * 1024;
/**
 * What every page downloads before the first frame: the element and the worker (chunks load on
 * first use). 57.2 KB before the fast-path decoders became a chunk (−10 KB), the element was split
 * into controllers, the worker learnt to read a file's end first by HTTP Range, to send markers as
 * deltas, to group transfers and to spill tile bytes to a file: about 59.8 KB after. 52.7 KB once
 * the fast-path header scan joined the decoders' chunk, the keyframe builder, thumbnails, export
 * requests, the spill file and the panels' content and texts became chunks, and builds stopped keeping
 * protobuf descriptors now and then; 55.0 KB with the hooks of text search, review notes, the
 * recording's SHA-256, evidence bundles, random access and error code 1 (their code is chunks).
 * The goal is 35 KB.
 */
const INITIAL_DOWNLOAD_BUDGET = 55.5 * 1024;
/** The opt-in German texts. */
const STRINGS_DE_BUDGET = 1.5 * 1024;

/** Size of a file of dist/ once gzipped (CompressionStream: zlib's default level, as a server would). */
async function gzippedSize(file: string): Promise<number> {
  // Byte for byte: the dev server reformats the .js it serves under /dist/.
  const response = await fetch(`/__dist-raw?file=${file}`);
  expect(response.ok, file).to.equal(true);
  return (await new Response(response.body!.pipeThrough(new CompressionStream('gzip'))).arrayBuffer()).byteLength;
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
      { timeMs: 1000, pointer: { x: 10, y: 10 } },
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
    // Video export is not inlined: the one file says what to do instead.
    const refused = await player.exportVideo({ width: 128 }).then(
      () => undefined,
      (error: unknown) => error as DOMException,
    );
    expect(refused?.name).to.equal('NotSupportedError');
    expect(refused?.message).to.contain('worker-src');
    player.remove();
  });

  it('speaks English until dist/strings-de.js (a classic script too) registers German', async () => {
    await loadClassicScript('/dist/desktop-recording-player.iife.js');
    const player = document.createElement('desktop-recording-player') as PlayerLike;
    player.setAttribute('controls', '');
    player.lang = 'de';
    document.body.append(player);
    await player.updateComplete;
    const play = () => player.shadowRoot!.querySelector('[part~=play-button]')!.getAttribute('aria-label');
    expect(play()).to.equal('Play');
    await loadClassicScript('/dist/strings-de.js');
    await player.updateComplete;
    expect(play()).to.equal('Wiedergeben');
    player.remove();
  });
});

describe('bundle sizes (gzipped)', () => {
  it(`keeps the element bundle within ${ELEMENT_BUDGET / 1024} KB, element and worker within ${INITIAL_DOWNLOAD_BUDGET / 1024} KB and German within ${STRINGS_DE_BUDGET / 1024} KB`, async () => {
    const sizes = Object.fromEntries(
      await Promise.all(
        ['desktop-recording-player.js', 'recording.worker.js', 'desktop-recording-player.iife.js', 'strings-de.js'].map(async (file) => [file, await gzippedSize(file)] as const),
      ),
    );
    console.log(`gzipped: ${Object.entries(sizes).map(([file, size]) => `${file} ${(size / 1024).toFixed(1)} KB`).join(', ')}`);
    expect(sizes['desktop-recording-player.js']).to.be.at.most(ELEMENT_BUDGET);
    expect(sizes['desktop-recording-player.js']! + sizes['recording.worker.js']!).to.be.at.most(INITIAL_DOWNLOAD_BUDGET);
    expect(sizes['strings-de.js']).to.be.at.most(STRINGS_DE_BUDGET);
  });
});

describe('dist/recording.worker.js', () => {
  it('loads the fast-path decoder (bitmap codecs, RemoteFX, QOIZ with zstd) and header scan only with a dynamic import(), as a chunk', async () => {
    const worker = await (await fetch('/__dist-raw?file=recording.worker.js')).text();
    const dynamics = [...worker.matchAll(/import\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]!);
    const decoder = dynamics.find((path) => /player-decoder-[\w-]+\.js$/.test(path));
    expect(decoder, `dynamic imports: ${dynamics.join(', ')}`).to.be.a('string');
    expect(worker, 'no static import of the chunk').not.to.match(/import[^(]*["'][^"']*player-decoder-/);
    // The decoders' texts are in the chunk, not in the worker a PNG-era recording loads.
    const chunk = await (await fetch(new URL(decoder!, `${location.origin}/dist/`))).text();
    // The last two are the header scan's (paint-rects.ts, remotefx-blocks.ts).
    for (const text of ['QOI magic', 'zstd data expands past', 'interleaved RLE', 'pointer XOR mask', 'large pointer xorBpp', 'no TS_RFX_CONTEXT seen']) {
      expect(chunk.includes(text), `the chunk has "${text}"`).to.equal(true);
      expect(worker.includes(text), `the worker has "${text}"`).to.equal(false);
    }
  });
});
