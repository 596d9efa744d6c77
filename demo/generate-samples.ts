// `npm run samples`: writes the sample recordings in demo/recordings/ through the recorder shim,
// from synthesized desktop sessions drawn with a real rasterizer (demo/samples/desktop-scene.ts).
// `npm run samples -- --long` writes the 1-hour 1920×1080 benchmark recording instead
// (`--long=10m` and `--long=3h` the 10-minute and 3-hour ones), `-- --long-rfx` the 1-hour
// RemoteFX one (the RDP capture looped) and `-- --long-linux` the 1-hour Linux one (QOIZ, the
// Linux sample looped); none is committed.
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeTdp } from '../src/format/tdp.js';
import { createRecorder, fileSink, type SessionInfo } from '../src/recorder/index.js';
import { writeLongLinuxSample } from './generate-linux-samples.js';
import { RDP_CAPTURES, writeRdpSample } from './generate-rdp-samples.js';
import { synthesizeSession, type SceneOptions } from './samples/desktop-scene.js';

interface Sample {
  file: string;
  scene: SceneOptions;
  session: SessionInfo;
  /** Wall-clock start of the session. */
  startedAt: number;
}

const cluster = 'teleport.example.com';
const samples: Sample[] = [
  {
    file: '6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720.tar',
    scene: { width: 1280, height: 720, durationMs: 120_000, seed: 720 },
    session: {
      sessionId: '6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720', clusterName: cluster, user: 'alice@example.com',
      desktopName: 'win-dev-01', desktopAddr: '10.20.0.15:3389', windowsUser: 'alice', windowsDomain: 'CORP',
      desktopService: 'b1c4a8e2-52f1-4bd5-b37f-8d1e2c6a9f10', labels: { env: 'dev', team: 'platform' }, clientAddr: '203.0.113.24:51522',
    },
    startedAt: Date.UTC(2026, 10, 12, 14, 5, 12),
  },
  {
    file: '9a7f3c21-0b4e-4f8a-8c3d-5e6f7a8b1080.tar',
    scene: { width: 1920, height: 1080, durationMs: 90_000, seed: 1080 },
    session: {
      sessionId: '9a7f3c21-0b4e-4f8a-8c3d-5e6f7a8b1080', clusterName: cluster, user: 'bob@example.com',
      desktopName: 'win-dc-01', desktopAddr: '10.20.0.2:3389', windowsUser: 'Administrator', windowsDomain: 'CORP',
      desktopService: 'b1c4a8e2-52f1-4bd5-b37f-8d1e2c6a9f10', labels: { env: 'prod', role: 'domain-controller' }, clientAddr: '198.51.100.7:60211',
    },
    startedAt: Date.UTC(2026, 10, 18, 9, 41, 3),
  },
];

/** The 1920×1080 benchmark recordings by length: the 1-hour one, and 10-minute and 3-hour ones for memory against length. */
const LONG_LENGTHS = { '10m': 600_000, '1h': 3_600_000, '3h': 10_800_000 } as const;
type LongLength = keyof typeof LONG_LENGTHS;

function longSample(length: LongLength): Sample {
  const durationMs = LONG_LENGTHS[length];
  // The 1-hour sample keeps its seed and session id: its bytes are those earlier results were measured on.
  const suffix = length === '1h' ? '655443322110' : `6554433${String(durationMs / 60_000).padStart(5, '0')}`;
  return {
    file: `long-${length}-1080p.tar`,
    scene: { width: 1920, height: 1080, durationMs, seed: durationMs / 1000 },
    session: { ...samples[1]!.session, sessionId: `0f1e2d3c-4b5a-4968-8776-${suffix}`, user: 'carol@example.com', windowsUser: 'carol' },
    startedAt: Date.UTC(2026, 10, 19, 8, 0, 0),
  };
}

async function writeSample(dir: string, sample: Sample): Promise<void> {
  const started = performance.now();
  let now = sample.startedAt;
  const path = join(dir, sample.file);
  const recorder = createRecorder({ sink: fileSink(path), session: sample.session, now: () => now, partSize: 1024 * 1024 });
  await recorder.start();
  for await (const step of synthesizeSession(sample.scene)) {
    now = sample.startedAt + 400 + step.atMs; // the desktop answers ~400 ms after the session starts
    if ('audit' in step) {
      await recorder.sharedDirectory(
        step.audit === 'sharedDirectoryStart'
          ? { kind: 'start', directoryId: step.directoryId, directoryName: step.name }
          : { kind: 'read', directoryId: step.directoryId, directoryName: step.name, path: step.path, length: step.length, offset: step.offset },
      );
    } else {
      await recorder.record(encodeTdp(step.message), step.from);
    }
  }
  now += 2000;
  const stats = await recorder.end();
  const size = (await stat(path)).size;
  console.log(
    `${sample.file}: ${sample.scene.width}×${sample.scene.height}, ${sample.scene.durationMs / 1000} s, ${stats.events} events ` +
      `(${stats.droppedPrivate} private messages dropped, ${stats.droppedTooLarge} too large), ${stats.parts} parts, ` +
      `${(size / 1e6).toFixed(2)} MB, made in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

const dir = new URL('./recordings/', import.meta.url).pathname;
await mkdir(dir, { recursive: true });
const longArgument = process.argv.find((argument) => argument === '--long' || argument.startsWith('--long='));
if (longArgument) {
  const length = longArgument === '--long' ? '1h' : longArgument.slice('--long='.length);
  if (!(length in LONG_LENGTHS)) {
    console.error(`--long=${length}: the lengths are ${Object.keys(LONG_LENGTHS).join(', ')}`);
    process.exit(2);
  }
  await writeSample(dir, longSample(length as LongLength));
} else if (process.argv.includes('--long-rfx')) {
  // The fast-path benchmark recording: the RemoteFX capture looped to 1 hour (not committed), as a
  // session of its own (the demo list must not take it for the capture's own sample).
  const capture = { ...RDP_CAPTURES[0]!, sessionId: '3b8e5d10-7c2a-4f61-9e0b-15a0c0de3600' };
  await writeRdpSample(dir, capture, { file: 'long-1h-rfx.tar', loopToMs: 3_600_000 });
} else if (process.argv.includes('--long-linux')) {
  await writeLongLinuxSample(dir);
} else {
  for (const sample of samples) await writeSample(dir, sample);
  for (const capture of RDP_CAPTURES) await writeRdpSample(dir, capture);
}
