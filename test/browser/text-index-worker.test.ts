// Building the text index in the browser, in a worker of its own, with the OCR engine served from
// this origin (here the installed packages under /node_modules/; a deployment serves the same
// files under its text-search-src).
import { expect } from '@open-wc/testing';
import { encodeTdp } from '../../src/format/tdp.js';
import { createRecorder, memorySink } from '../../src/recorder/index.js';
import type { TextIndexProgress } from '../../src/core/text-index/builder.js';
import { TextIndexClient } from '../../src/worker/text-index-client.js';
import type { TextSearchAssets } from '../../src/worker/text-index-protocol.js';

const assets: TextSearchAssets = {
  engine: new URL('/node_modules/tesseract.js/dist/tesseract.esm.min.js', location.href).href,
  worker: new URL('/node_modules/tesseract.js/dist/worker.min.js', location.href).href,
  core: new URL('/node_modules/tesseract.js-core/', location.href).href,
  lang: new URL('/node_modules/@tesseract.js-data/eng/4.0.0/', location.href).href,
};
const workerUrl = new URL('../../src/worker/text-index.worker.js', import.meta.url);

async function textTile(text: string): Promise<Uint8Array> {
  const canvas = new OffscreenCanvas(512, 64);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, 512, 64);
  ctx.fillStyle = '#000000';
  ctx.font = '14px sans-serif';
  ctx.fillText(text, 8, 36);
  return new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
}

/** 512×64: "Quarterly invoices approved" from 0 s, "Terminal connected" from 3 s, to 6 s. */
async function recording(): Promise<Blob> {
  let now = Date.UTC(2026, 5, 1);
  const sink = memorySink();
  const recorder = createRecorder({ sink, now: () => now, session: { sessionId: 's', clusterName: 'c', user: 'u', desktopName: 'd', desktopAddr: 'a:3389', windowsUser: 'w' } });
  await recorder.start();
  await recorder.record(encodeTdp({ kind: 'screenSpec', width: 512, height: 64 }), 'client');
  await recorder.record(encodeTdp({ kind: 'pngFrame', left: 0, top: 0, right: 512, bottom: 64, png: await textTile('Quarterly invoices approved') }), 'server');
  now += 3000;
  await recorder.record(encodeTdp({ kind: 'pngFrame', left: 0, top: 0, right: 512, bottom: 64, png: await textTile('Terminal connected') }), 'server');
  now += 3000;
  await recorder.end();
  return new Blob([sink.bytes() as Uint8Array<ArrayBuffer>]);
}

describe('the text index worker', function () {
  this.timeout(120_000);
  let client: TextIndexClient | undefined;
  afterEach(() => client?.terminate());

  it('indexes a recording with the self-hosted engine, tells its progress, and searches what it read', async () => {
    const progress: TextIndexProgress[] = [];
    client = new TextIndexClient((p) => progress.push(p), workerUrl);
    const done = await client.build(await recording(), assets);
    expect(done.coveredMs).to.equal(done.durationMs);
    expect(progress.at(-1)).to.deep.equal(done);
    const invoices = await client.search('invoices');
    expect(invoices.hits.map((hit) => [hit.time, hit.endTime])).to.deep.equal([[0, 3]], 'until the tile that painted over it');
    expect((await client.search('termnal connected')).hits.map((hit) => [hit.time, hit.text])).to.deep.equal([[3, 'Terminal connected']]);
  });

  it('cancelling stops the build with an AbortError', async () => {
    client = new TextIndexClient(() => {}, workerUrl);
    const build = client.build(await recording(), assets);
    client.cancel();
    const error = await build.catch((e: DOMException) => e);
    expect((error as DOMException).name).to.equal('AbortError');
  });
});
