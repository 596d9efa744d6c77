// The recordings server module as the command sees it (serve-cli-child.ts), with its playback
// sockets on a time that stands still until the test moves it (stdin commands: time-commands.ts).
import { serve as serveOnRealTime, type RecordingsServer, type ServeOptions } from '../../src/cli/serve.js';
import { FakeTime } from './fake-time.js';
import { answerTimeCommands } from './time-commands.js';

export * from '../../src/cli/serve.js';

export async function serve(options: ServeOptions): Promise<RecordingsServer> {
  const time = new FakeTime();
  const server = await serveOnRealTime({ ...options, playbackTime: time });
  answerTimeCommands(time, server);
  return server;
}
