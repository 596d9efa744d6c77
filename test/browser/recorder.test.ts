import { expect } from '@open-wc/testing';
import { readRecording } from '../../src/format/reader.js';
import { encodeTdp } from '../../src/format/tdp.js';
import { createRecorder, writableStreamSink } from '../../src/recorder/index.js';

describe('createRecorder() in the browser', () => {
  it('writes to a WritableStream in sync mode; the native reader reads it back', async () => {
    const received: Uint8Array[] = [];
    const stream = new WritableStream<Uint8Array>({ write: (chunk) => void received.push(chunk) });
    const recorder = createRecorder({
      sink: writableStreamSink(stream),
      mode: 'sync',
      session: { sessionId: 's', clusterName: 'c', user: 'erin', desktopName: 'd', desktopAddr: '10.0.0.1:3389', windowsUser: 'erin' },
    });
    await recorder.start();
    await recorder.record(encodeTdp({ kind: 'screenSpec', width: 640, height: 480 }), 'client');
    await recorder.record(encodeTdp({ kind: 'keyboardButton', keyCode: 30, pressed: true }), 'client');
    await recorder.record(encodeTdp({ kind: 'mouseMove', x: 3, y: 4 }), 'client');
    expect(received.length).to.equal(3, 'each event is in the sink once record() resolved');
    const stats = await recorder.end();
    expect(stats.droppedPrivate).to.equal(1);
    const { events, error } = await readRecording(new Blob(received as BlobPart[]).stream() as unknown as AsyncIterable<Uint8Array>, { inflate: 'native' });
    expect(error).to.equal(undefined);
    expect(events.map((e) => e.event.case)).to.deep.equal(['windowsDesktopSessionStart', 'desktopRecording', 'desktopRecording', 'windowsDesktopSessionEnd']);
  });
});
