// Recordings in many small parts for the random-access browser tests (a download held partway
// leaves later parts to read by range): a TDPB version of screen steps, and a fast-path sample
// played several times in a row.
import type { AuditEventInit } from '../../src/format/events.js';
import { timestampOfMs } from '../../src/format/events.js';
import { readRecording } from '../../src/format/reader.js';
import { encodeTdpb } from '../../src/format/tdp.js';
import { T0, desktopRecording, writeRecording } from './recording-bytes.js';
import { screenMessages, type ScreenStep } from './screen-recording.js';

/** The steps as a Teleport 2026 recording: each screen message a TDPB envelope (`tdpbMessage`), in parts of about 64 KB. */
export async function tdpbRecording(steps: ScreenStep[]): Promise<Uint8Array> {
  const events: AuditEventInit[] = (await screenMessages(steps)).map(({ timeMs, message }, index) => ({
    case: 'desktopRecording',
    value: { metadata: { index: BigInt(index), type: 'desktop.recording', time: timestampOfMs(T0 + timeMs) }, tdpbMessage: encodeTdpb(message), delayMilliseconds: BigInt(timeMs) },
  }));
  return writeRecording(events, { partSize: 64 * 1024 });
}

/**
 * A fast-path sample's screen updates played `times` times in a row (the screen size once, at the
 * start), in parts of about 64 KB: each repeat starts with full frames, whose RemoteFX frames need
 * the header blocks of the first. `periodMs`: one repeat's length (its last update, then 1 s quiet).
 */
export async function repeatedFastPath(file: string, times: number): Promise<{ bytes: Uint8Array; periodMs: number }> {
  const sample = new Uint8Array(await (await fetch(`/demo/recordings/${file}`)).arrayBuffer());
  const updates = (await readRecording(sample)).events.flatMap(({ event }) => (event.case === 'desktopRecording' ? [{ delayMs: Number(event.value.delayMilliseconds), message: event.value.message }] : []));
  const periodMs = updates.at(-1)!.delayMs + 1000;
  const events: AuditEventInit[] = [];
  for (let repeat = 0; repeat < times; repeat++) {
    for (const { delayMs, message } of updates) {
      // TDP 31 ConnectionActivated sets the screen size: once.
      if (repeat > 0 && message[0] === 31) continue;
      events.push(desktopRecording(events.length, repeat * periodMs + delayMs, message));
    }
  }
  return { bytes: writeRecording(events, { partSize: 64 * 1024 }), periodMs };
}
