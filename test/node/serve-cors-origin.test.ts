// `desktop-recording serve --cors-origin O`: pages of another origin (a portal embedding the
// player, Storybook) may read the recording files, Range included; a value that is not an origin
// is a usage error. The built command in a child process (`npm run build` first), real requests.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { serveCommand } from '../../src/cli/main.js';
import { encodeTdp } from '../../src/format/tdp.js';
import { desktopRecording, writeRecording } from '../helpers/recording-bytes.js';
import { startCommand, type ServerProcess } from '../helpers/serve-process.js';

const PORTAL = 'http://localhost:6006';

describe('serve --cors-origin', () => {
  let dir = '';
  let server: ServerProcess | undefined;
  let bytes: Uint8Array;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drp-cors-'));
    bytes = writeRecording([desktopRecording(0, 0, encodeTdp({ kind: 'screenSpec', width: 128, height: 64 })), desktopRecording(1, 500, encodeTdp({ kind: 'mouseMove', x: 3, y: 4 }))]);
    await writeFile(join(dir, 'cors.tar'), bytes);
    server = await startCommand([dir, '--port', '0', '--cors-origin', PORTAL]);
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('a page of that origin reads the file by range, with the headers the player needs exposed', async () => {
    const response = await fetch(`${server!.base}/recordings/cors.tar`, { headers: { origin: PORTAL, range: 'bytes=-16' } });
    assert.equal(response.status, 206);
    assert.equal(response.headers.get('access-control-allow-origin'), PORTAL);
    assert.match(response.headers.get('access-control-expose-headers') ?? '', /content-range/);
    assert.equal(response.headers.get('content-range'), `bytes ${bytes.length - 16}-${bytes.length - 1}/${bytes.length}`);
    assert.deepEqual(new Uint8Array(await response.arrayBuffer()), bytes.subarray(bytes.length - 16));
    // The preflight of a suffix range (not a CORS-safelisted Range).
    const preflight = await fetch(`${server!.base}/recordings/cors.tar`, { method: 'OPTIONS', headers: { origin: PORTAL, 'access-control-request-method': 'GET', 'access-control-request-headers': 'range' } });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), PORTAL);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /range/);
  });

  test('a value that is not * or an origin is a usage error (exit 2)', async () => {
    for (const value of ['localhost:6006', 'http://localhost:6006/', 'http://localhost:6006/stories', 'not an origin']) {
      const err = new PassThrough();
      let said = '';
      err.on('data', (chunk: Buffer) => (said += chunk.toString()));
      assert.equal(await serveCommand([dir, '--port', '0', '--cors-origin', value], new PassThrough(), err), 2, value);
      assert.match(said, /--cors-origin must be \* or an origin/, value);
    }
  });
});
