// The 1-hour Linux desktop benchmark recording (`npm run samples -- --long-linux`, not committed):
// the committed Linux sample's screen messages (TDPB: QOIZ surface updates in 32,760-byte fast-path
// PDUs, 32 bpp cursors, the viewer's mouse) replayed round after round through the recorder shim
// until an hour has passed. The first round opens with the sample's ConnectionActivated and whole
// screen; later rounds replay only its damage (what follows time 0), so one session paints glyph-
// and window-sized rectangles for an hour, as a long Linux session does, and never the whole
// screen again: a seek cannot simply start from a recent full repaint.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readRecording } from '../src/format/reader.js';
import { createRecorder, fileSink } from '../src/recorder/index.js';

/** The committed Linux sample (test/fixtures/linux/build.ts makes it). */
const SOURCE = { file: '4c6f2a10-5d1e-4b7a-9c3f-8e2d0c0d2026.tar', host: '0f6e8c52-3b1d-4e2a-a9c7-5d4b3a2f1e0d', user: 'alice@example.com', linuxUser: 'alice' };

export async function writeLongLinuxSample(dir: string, options: { file?: string; loopToMs?: number } = {}): Promise<void> {
  const file = options.file ?? 'long-1h-linux.tar';
  const loopToMs = options.loopToMs ?? 3_600_000;
  const started = performance.now();
  const { events, error } = await readRecording(await readFile(join(dir, SOURCE.file)));
  if (error) throw error;
  const screen = events.flatMap(({ event, timeMs }) => (event.case === 'desktopRecording' && timeMs !== undefined ? [{ timeMs, message: event.value.tdpbMessage }] : []));
  if (!screen.length || screen.some(({ message }) => message.length === 0)) throw new Error(`${SOURCE.file} holds no TDPB screen messages`);
  const firstMs = screen[0]!.timeMs;
  const messages = screen.map(({ timeMs, message }) => ({ offsetMs: timeMs - firstMs, message }));
  const damage = messages.filter(({ offsetMs }) => offsetMs > 0);
  const roundMs = messages.at(-1)!.offsetMs + 40;
  const startedAt = Date.UTC(2026, 10, 24, 10, 0, 0);
  let now = startedAt - 120;
  const recorder = createRecorder({
    sink: fileSink(join(dir, file)),
    protocol: 'tdpb',
    now: () => now,
    partSize: 1024 * 1024,
    session: {
      sessionId: '4c6f2a10-5d1e-4b7a-9c3f-8e2d0c0d3600', clusterName: 'example', user: SOURCE.user, desktopKind: 'linux', linuxUser: SOURCE.linuxUser,
      desktopName: SOURCE.host, desktopAddr: SOURCE.host, labels: { os: 'debian', env: 'bench' },
    },
  });
  await recorder.start();
  now = startedAt;
  for (let roundAt = 0; roundAt === 0 || roundAt + roundMs <= loopToMs; roundAt += roundMs) {
    for (const { offsetMs, message } of roundAt === 0 ? messages : damage) {
      now = startedAt + roundAt + offsetMs;
      await recorder.record(message, 'server');
    }
  }
  now += 1000;
  const stats = await recorder.end([SOURCE.user]);
  console.log(`${file}: ${stats.events} events, ${((await stat(join(dir, file))).size / 1e6).toFixed(2)} MB, made in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
