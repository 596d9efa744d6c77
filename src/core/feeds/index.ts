import { FileFeed, type FileFeedTiming, type RecordingSource } from './file-feed.js';
import type { RecordingFeed } from './feed.js';
import { SocketFeed } from './socket-feed.js';

export type { FeedSink, FeedSteering, RecordingFeed } from './feed.js';
export type { RecordingSource } from './file-feed.js';

export interface FeedOptions {
  /** Sent first on a playback websocket; never put in a URL. */
  authToken?: string;
  timing: FileFeedTiming;
}

/** The feed for a source: a `ws:`/`wss:` URL is a playback websocket; any other URL, a Blob or bytes, a file. */
export function openFeed(source: RecordingSource, options: FeedOptions): RecordingFeed {
  if (typeof source === 'string' && /^wss?:/i.test(source)) return new SocketFeed(source, options.authToken);
  return new FileFeed(source, options.timing);
}
