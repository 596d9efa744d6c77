// The recordings server module in a process of its own (test/helpers/serve-process.ts starts it):
// argv[2] is the JSON of its ServeOptions. It prints its address as the command does and closes on SIGINT.
import { serve, type ServeOptions } from '../../src/cli/serve.js';

const options = JSON.parse(process.argv[2]!) as ServeOptions;
const server = await serve(options);
const address = server.address();
process.stdout.write(`Recordings: http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/\n`);
process.once('SIGINT', () => server.close());
