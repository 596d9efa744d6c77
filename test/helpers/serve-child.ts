// The recordings server module in a process of its own (test/helpers/serve-process.ts starts it):
// argv[2] is the JSON of its ServeOptions, plus `withLiveSessions` for the demo's live sessions.
// It prints its address as the command does and closes on SIGINT.
import { liveSessionsExtension } from '../../demo/live-sessions.js';
import { serve, type ServeOptions } from '../../src/cli/serve.js';

const { withLiveSessions, ...options } = JSON.parse(process.argv[2]!) as ServeOptions & { withLiveSessions?: boolean };
const server = await serve({ ...options, ...(withLiveSessions && { extension: liveSessionsExtension(options.recordingsDir) }) });
const address = server.address();
process.stdout.write(`Recordings: http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/\n`);
process.once('SIGINT', () => server.close());
