// A @web/test-runner middleware (not a plugin: plugin responses are read whole before they are
// sent, and this one must arrive in two goes). It serves bytes that stop partway until the test
// lets them go, the way a slow or stalled network delivers a recording.
//   POST /__held-stream?at=N            body: the bytes; answers { url }
//   POST /__held-stream?headers=held    the same, but no answer at all (not even its headers) until the release
//   GET  <url>                          the first N bytes at once, the rest after the release
//   GET  <url>/requested                answers once <url> has been asked for
//   POST <url>/release                  sends the rest and ends the response
import { PassThrough } from 'node:stream';

export function heldStreamMiddleware() {
  const streams = new Map();
  let nextId = 1;
  const readBody = async (request) => {
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    return Buffer.concat(chunks);
  };
  const respond = (context, status, type, body) => {
    context.status = status;
    context.type = type;
    context.set('cache-control', 'no-store');
    context.body = body;
  };
  return async (context, next) => {
    if (!context.path.startsWith('/__held-stream')) return next();
    if (context.path === '/__held-stream' && context.method === 'POST') {
      const bytes = await readBody(context.req);
      const at = Math.min(bytes.length, Number(context.URL.searchParams.get('at') ?? bytes.length));
      const id = nextId++;
      let release;
      const released = new Promise((resolve) => (release = resolve));
      let requested;
      const asked = new Promise((resolve) => (requested = resolve));
      const headersHeld = context.URL.searchParams.get('headers') === 'held';
      streams.set(id, { bytes, at, released, release, asked, requested, headersHeld });
      return respond(context, 200, 'application/json', JSON.stringify({ url: `/__held-stream/${id}` }));
    }
    const match = /^\/__held-stream\/(\d+)(\/release|\/requested)?$/.exec(context.path);
    const stream = match && streams.get(Number(match[1]));
    if (!stream) return respond(context, 404, 'text/plain', 'no such stream');
    if (match[2] === '/release') {
      stream.release();
      return respond(context, 200, 'text/plain', 'released');
    }
    if (match[2] === '/requested') {
      await stream.asked;
      return respond(context, 200, 'text/plain', 'requested');
    }
    stream.requested();
    if (stream.headersHeld) {
      await stream.released;
      streams.delete(Number(match[1]));
      return respond(context, 200, 'application/octet-stream', stream.bytes);
    }
    const body = new PassThrough();
    body.write(stream.bytes.subarray(0, stream.at));
    void stream.released.then(() => {
      body.end(stream.bytes.subarray(stream.at));
      streams.delete(Number(match[1]));
    });
    return respond(context, 200, 'application/octet-stream', body);
  };
}
