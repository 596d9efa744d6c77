// Recordings of text on the screen, for the text index tests: each screen a 512×64 PNG tile with
// one line of black text on white, painted at its time.
import { encodeTdp } from '../../src/format/tdp.js';
import { createRecorder, memorySink } from '../../src/recorder/index.js';

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

/** 512×64: each line painted over the whole screen at its time (ms), the recording ending at `endMs`. */
export async function textRecording(screens: Array<[timeMs: number, text: string]>, endMs: number): Promise<Blob> {
  let now = Date.UTC(2026, 5, 1);
  const start = now;
  const sink = memorySink();
  const recorder = createRecorder({ sink, now: () => now, session: { sessionId: 's', clusterName: 'c', user: 'u', desktopName: 'd', desktopAddr: 'a:3389', windowsUser: 'w' } });
  await recorder.start();
  await recorder.record(encodeTdp({ kind: 'screenSpec', width: 512, height: 64 }), 'client');
  for (const [timeMs, text] of screens) {
    now = start + timeMs;
    await recorder.record(encodeTdp({ kind: 'pngFrame', left: 0, top: 0, right: 512, bottom: 64, png: await textTile(text) }), 'server');
  }
  now = start + endMs;
  await recorder.end();
  return new Blob([sink.bytes() as Uint8Array<ArrayBuffer>]);
}

/** 512×64: "Quarterly invoices approved" from 0 s, "Terminal connected" from 3 s, to 6 s. */
export function twoScreens(): Promise<Blob> {
  return textRecording([[0, 'Quarterly invoices approved'], [3000, 'Terminal connected']], 6000);
}
