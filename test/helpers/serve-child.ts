// The recordings server module in a process of its own (test/helpers/serve-process.ts starts it):
// argv[2] is the JSON of its ServeOptions, plus `withLiveSessions` for the demo's live sessions and
// `manualTime` for playback sockets that pace (and budget restarts) by a time the test moves.
// It prints its address as the command does and closes on SIGINT.
// With `manualTime`, it takes commands on stdin, one a line, each answered by one line on stdout:
//   advance <ms>   moves the time, firing the timers due on the way   → `advanced <ms>`
//   viewers        the stats of the playback sockets open now         → `viewers <json>`
import { createInterface } from 'node:readline';
import { liveSessionsExtension } from '../../demo/live-sessions.js';
import { serve, type ServeOptions } from '../../src/cli/serve.js';
import { FakeTime } from './fake-time.js';

const { withLiveSessions, manualTime, ...options } = JSON.parse(process.argv[2]!) as ServeOptions & { withLiveSessions?: boolean; manualTime?: boolean };
const time = manualTime ? new FakeTime() : undefined;
const server = await serve({
  ...options,
  ...(withLiveSessions && { extension: liveSessionsExtension(options.recordingsDir) }),
  ...(time && { playbackTime: time }),
});
const address = server.address();
process.stdout.write(`Recordings: http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/\n`);
process.once('SIGINT', () => {
  server.close();
  // Commands no longer wanted: stdin must not keep the process up.
  if (time) process.stdin.destroy();
});

if (time) {
  const commands = createInterface({ input: process.stdin });
  // One command at a time, in order.
  let queue = Promise.resolve();
  commands.on('line', (line) => {
    queue = queue.then(async () => {
      const [command, argument] = line.trim().split(/\s+/);
      if (command === 'advance') {
        await time.advance(Number(argument));
        process.stdout.write(`advanced ${argument}\n`);
      } else if (command === 'viewers') {
        process.stdout.write(`viewers ${JSON.stringify(server.playback.viewers)}\n`);
      } else {
        process.stdout.write(`unknown ${JSON.stringify(line)}\n`);
      }
    });
  });
  // The test closing stdin (or dying) must not keep the server up.
  commands.on('close', () => server.close());
}
