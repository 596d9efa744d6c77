// Building the text index in the browser, in a worker of its own, with the OCR engine served from
// this origin (here the installed packages under /node_modules/; a deployment serves the same
// files under its text-search-src).
import { expect } from '@open-wc/testing';
import type { TextIndexProgress } from '../../src/core/text-index/builder.js';
import { TextIndexClient } from '../../src/worker/text-index-client.js';
import type { TextSearchAssets } from '../../src/worker/text-index-protocol.js';
import { twoScreens as recording } from './text-recordings.js';

const assets: TextSearchAssets = {
  engine: new URL('/node_modules/tesseract.js/dist/tesseract.esm.min.js', location.href).href,
  worker: new URL('/node_modules/tesseract.js/dist/worker.min.js', location.href).href,
  core: new URL('/node_modules/tesseract.js-core/', location.href).href,
  lang: new URL('/node_modules/@tesseract.js-data/eng/4.0.0/', location.href).href,
};
const workerUrl = new URL('../../src/worker/text-index.worker.js', import.meta.url);

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

  it('streams a recording from its URL: the length is known from the first progress on, without being told', async () => {
    const progress: TextIndexProgress[] = [];
    client = new TextIndexClient((p) => progress.push(p), workerUrl);
    const url = URL.createObjectURL(await recording());
    try {
      const done = await client.build(url, assets);
      expect(done.coveredMs).to.equal(done.durationMs);
      expect(progress.map((p) => p.durationMs)).to.deep.equal(progress.map(() => done.durationMs));
      expect(progress.length).to.be.greaterThan(1);
      expect((await client.search('invoices')).hits.map((hit) => [hit.time, hit.endTime])).to.deep.equal([[0, 3]]);
    } finally {
      URL.revokeObjectURL(url);
    }
  });

  it('a recording that cannot be fetched, or is no recording, fails with a clear error', async () => {
    client = new TextIndexClient(() => {}, workerUrl);
    const missing = await client.build(new URL('/no/such/recording.tar', location.href).href, assets).catch((e: Error) => e);
    expect((missing as Error).message).to.contain('404');
    const junk = await client.build(new Blob(['not a recording']), assets, 1000).catch((e: Error) => e);
    expect(junk).to.be.instanceOf(Error);
    expect((junk as Error).name).not.to.equal('AbortError');
  });

  it('cancelling stops the build with an AbortError', async () => {
    client = new TextIndexClient(() => {}, workerUrl);
    const build = client.build(await recording(), assets);
    client.cancel();
    const error = await build.catch((e: DOMException) => e);
    expect((error as DOMException).name).to.equal('AbortError');
  });
});
