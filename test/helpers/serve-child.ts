// The recordings server module in a process of its own (test/helpers/serve-process.ts starts it):
// argv[2] is the JSON of its ServeOptions, plus `withLiveSessions` for the demo's live sessions and
// `manualTime` for playback sockets that pace (and budget restarts), and request bodies timed, by a time the test moves.
// It prints its address as the command does and closes on SIGINT.
// With `manualTime`, it takes commands on stdin (time-commands.ts).
import { liveSessionsExtension } from '../../demo/live-sessions.js';
import { serve, type ServeOptions } from '../../src/cli/serve.js';
import { FakeTime } from './fake-time.js';
import { answerTimeCommands } from './time-commands.js';

const { withLiveSessions, manualTime, ...options } = JSON.parse(process.argv[2]!) as ServeOptions & { withLiveSessions?: boolean; manualTime?: boolean };
const time = manualTime ? new FakeTime() : undefined;
const server = await serve({
  ...options,
  ...(withLiveSessions && { extension: liveSessionsExtension(options.recordingsDir) }),
  ...(time && { playbackTime: time, bodyTime: time }),
});
const address = server.address();
process.stdout.write(`Recordings: http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/\n`);
process.once('SIGINT', () => server.close());

if (time) answerTimeCommands(time, server);
