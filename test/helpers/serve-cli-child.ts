// `desktop-recording serve <argv[2]…>`: the command's own code (src/cli/main.ts, from the sources)
// in a process of its own, but with its playback sockets on a time the test moves through stdin
// (time-commands.ts). The options the command parses reach the server as they would; only the
// server's playback clock is swapped, by the module hooks in serve-on-manual-time-hooks.mjs.
import { register } from 'node:module';

register('./serve-on-manual-time-hooks.mjs', import.meta.url);
const { main } = await import('../../src/cli/main.js');
process.exitCode = await main(['serve', ...process.argv.slice(2)]);
