// Runs in headless Chromium (test/tools/bench.mjs): the baseline for seeking in a fast-path
// (Teleport 15+) recording — what a player without keyframes does: decode every PDU from the
// start up to the target with the same decoder.
import { FastPathDecoder } from '../../src/core/fastpath/index.js';
import { RecordingReader, pumpRecording } from '../../src/format/reader.js';
import { TimelineBuilder } from '../../src/format/timeline.js';

interface TimedPdu {
  timeMs: number;
  data: Uint8Array;
}

async function pdusOf(url: string): Promise<{ width: number; height: number; pdus: TimedPdu[] }> {
  const builder = new TimelineBuilder();
  const pdus: TimedPdu[] = [];
  let screen = { width: 0, height: 0 };
  const take = (placed: ReturnType<TimelineBuilder['add']>) => {
    for (const { timeMs, tdp } of placed) {
      if (tdp?.kind === 'fastPathPdu') pdus.push({ timeMs, data: tdp.data.slice() });
      else if (tdp?.kind === 'connectionActivated' && screen.width === 0) screen = { width: tdp.screenWidth, height: tdp.screenHeight };
    }
  };
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  await pumpRecording(new RecordingReader(), bytes, (events) => events.forEach((event) => take(builder.add(event))));
  return { ...screen, pdus };
}

/** Milliseconds to decode every PDU from the start up to each target (seconds). */
export async function runFastPathNaiveSeeks(url: string, targetsS: number[]): Promise<Array<{ positionS: number; ms: number; pdus: number }>> {
  const { width, height, pdus } = await pdusOf(url);
  const rows: Array<{ positionS: number; ms: number; pdus: number }> = [];
  for (const positionS of targetsS) {
    const started = performance.now();
    const decoder = new FastPathDecoder(width, height);
    let count = 0;
    for (const pdu of pdus) {
      if (pdu.timeMs > positionS * 1000) break;
      decoder.push(pdu.data);
      count += 1;
    }
    rows.push({ positionS, ms: Math.round((performance.now() - started) * 10) / 10, pdus: count });
  }
  return rows;
}

Object.assign(globalThis, { runFastPathNaiveSeeks });
