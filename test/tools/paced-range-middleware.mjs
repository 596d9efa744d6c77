// A @web/test-runner middleware that serves a recording the way a slow static server or object
// store does: its bytes paced (a throttled link), Range requests answered, or ignored, or answered
// wrongly, as the test asks. The whole-file download can also stop partway until the test lets it go,
// so a test can act while the data has certainly not arrived (it never waits on elapsed time).
//   POST /__paced?rate=B&hold=N&ranges=M&stall=S   body: the bytes; answers { url }
//        rate: bytes per second (default: unpaced); hold: a download that started before byte N
//        (the whole file, or a range) stops there until released (`hold=N1,N2`: each release lets
//        it go on to the next hold); ranges: honest (default) | ignore (200 with the whole file) |
//        wrong-range (206 with another range's Content-Range) | truncated (206 cut short) | 416;
//        stall: a range asked from byte S or later (`bytes=a-b`, a ≥ S) sends nothing until
//        the stall is released (reads out of order held while the download in order goes on)
//   GET  <url>                            the file (Range honoured as `ranges` says)
//   POST <url>/release                    lets held downloads go on
//   POST <url>/release-stall              lets stalled ranges go on (and stalls none after)
//   GET  <url>/log                        the requests served: [{ range, status, bytes }]
import { Readable } from 'node:stream';

const CHUNK_BYTES = 16 * 1024;

export function pacedRangeMiddleware() {
  const files = new Map();
  let nextId = 1;
  const readBody = async (request) => {
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    return Buffer.concat(chunks);
  };
  const json = (context, value) => {
    context.status = 200;
    context.type = 'application/json';
    context.set('cache-control', 'no-store');
    context.body = JSON.stringify(value);
  };
  return async (context, next) => {
    if (!context.path.startsWith('/__paced')) return next();
    if (context.path === '/__paced' && context.method === 'POST') {
      const query = context.URL.searchParams;
      const bytes = await readBody(context.req);
      const id = nextId++;
      const file = {
        bytes,
        rate: Number(query.get('rate') ?? 0) || Infinity,
        holds: (query.get('hold') ?? String(bytes.length)).split(',').map(Number),
        ranges: query.get('ranges') ?? 'honest',
        stall: Number(query.get('stall') ?? Infinity),
        log: [],
        /** Where a download that started at `start` stops until the next release (Infinity: it does not). */
        holdFor: (start) => (start < (file.holds[0] ?? Infinity) ? file.holds[0] : Infinity),
        release: () => {
          file.holds.shift();
          file.releaseStage();
          file.released = new Promise((resolve) => (file.releaseStage = resolve));
        },
      };
      file.released = new Promise((resolve) => (file.releaseStage = resolve));
      file.stallReleased = new Promise((resolve) => (file.releaseStall = resolve));
      files.set(id, file);
      return json(context, { url: `/__paced/${id}` });
    }
    const match = /^\/__paced\/(\d+)(\/release|\/release-stall|\/log)?$/.exec(context.path);
    const file = match && files.get(Number(match[1]));
    if (!file) {
      context.status = 404;
      context.body = 'no such file';
      return undefined;
    }
    if (match[2] === '/release') {
      file.release();
      return json(context, 'released');
    }
    if (match[2] === '/release-stall') {
      file.stall = Infinity;
      file.releaseStall();
      return json(context, 'released');
    }
    if (match[2] === '/log') return json(context, file.log);
    return serve(context, file);
  };
}

function serve(context, file) {
  const { bytes, ranges } = file;
  const asked = /^bytes=(\d*)-(\d*)$/.exec(context.get('range') ?? '');
  context.set('cache-control', 'no-store');
  context.type = 'application/octet-stream';
  const entry = { range: context.get('range') || null, status: 200, bytes: 0 };
  file.log.push(entry);
  if (!asked || ranges === 'ignore') {
    if (ranges !== 'ignore') context.set('accept-ranges', 'bytes');
    context.status = 200;
    context.length = bytes.length;
    context.body = paced(bytes, file, entry, 0, () => context.res.destroyed);
    return undefined;
  }
  // `bytes=-n`: the last n bytes.
  const start = asked[1] === '' ? Math.max(0, bytes.length - Number(asked[2])) : Number(asked[1]);
  const end = asked[1] === '' || asked[2] === '' ? bytes.length - 1 : Math.min(Number(asked[2]), bytes.length - 1);
  context.set('accept-ranges', 'bytes');
  if (ranges === '416' || start >= bytes.length) {
    entry.status = 416;
    context.status = 416;
    context.set('content-range', `bytes */${bytes.length}`);
    context.body = '';
    return undefined;
  }
  entry.status = 206;
  context.status = 206;
  const shift = ranges === 'wrong-range' ? 100 : 0;
  context.set('content-range', `bytes ${start + shift}-${end + shift}/${bytes.length}`);
  const body = bytes.subarray(start, ranges === 'truncated' ? start + ((end + 1 - start) >> 1) : end + 1);
  if (ranges !== 'truncated') context.length = body.length;
  // The hold is a place in the file: a range that starts before it stops there too (a download in order by ranges).
  const stalled = asked[1] !== '' && start >= file.stall;
  context.body = paced(body, file, entry, start, () => context.res.destroyed, stalled);
  return undefined;
}

/**
 * `bytes` (from byte `start` of the file) as a stream at the file's rate, stopping at the file's hold
 * until it is released (and, `stalled`, sending nothing until the stall is released); nothing more
 * once the client closed the response (`closed`), so the log counts
 * only bytes sent.
 */
function paced(bytes, file, entry, start, closed, stalled = false) {
  return Readable.from(
    (async function* () {
      if (stalled) await file.stallReleased;
      for (let at = 0; at < bytes.length; ) {
        let hold = file.holdFor(start) - start;
        while (at >= hold) {
          await file.released;
          hold = file.holdFor(start) - start;
        }
        if (closed()) return;
        const end = Math.min(bytes.length, at + CHUNK_BYTES, at < hold ? hold : Infinity);
        if (Number.isFinite(file.rate)) await new Promise((resolve) => setTimeout(resolve, ((end - at) / file.rate) * 1000));
        entry.bytes += end - at;
        yield bytes.subarray(at, end);
        at = end;
      }
    })(),
    { objectMode: false },
  );
}
