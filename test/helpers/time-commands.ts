// The stdin commands of a recordings server process whose playback sockets run on a time the test
// moves (serve-child.ts, serve-cli-child.ts), one a line, each answered by one line on stdout:
//   advance <ms>   moves the time, firing the timers due on the way   → `advanced <ms>`
//   viewers        the stats of the playback sockets open now         → `viewers <json>`
//   timers         how many timers are set and not yet fired          → `timers <n>`
import { createInterface } from 'node:readline';
import type { RecordingsServer } from '../../src/cli/serve.js';
import type { FakeTime } from './fake-time.js';

export function answerTimeCommands(time: FakeTime, server: RecordingsServer): void {
  const commands = createInterface({ input: process.stdin });
  // One command at a time, in order.
  let queue = Promise.resolve();
  commands.on('line', (line) => {
    queue = queue.then(async () => {
      const [command, argument] = line.trim().split(/\s+/);
      if (command === 'advance') {
        await time.advance(Number(argument));
        process.stdout.write(`advanced ${argument}\n`);
      } else if (command === 'timers') {
        process.stdout.write(`timers ${time.pendingTimers}\n`);
      } else if (command === 'viewers') {
        process.stdout.write(`viewers ${JSON.stringify(server.playback.viewers)}\n`);
      } else {
        process.stdout.write(`unknown ${JSON.stringify(line)}\n`);
      }
    });
  });
  // The test closing stdin (or dying) must not keep the server up, nor stdin the process once SIGINT closed the server.
  commands.on('close', () => server.close());
  process.once('SIGINT', () => process.stdin.destroy());
}
