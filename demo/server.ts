// `npm start`: the recordings server of `desktop-recording serve`, with the demo's live sessions
// (POST /api/live: a synthetic desktop recorded while it plays). Same arguments as the command:
//   tsx demo/server.ts DIR [--port N] [--token T]
import { serveCommand } from '../src/cli/main.js';
import { liveSessionsExtension } from './live-sessions.js';

process.exitCode = await serveCommand(process.argv.slice(2), process.stdout, process.stderr, (dir) => liveSessionsExtension(dir));
