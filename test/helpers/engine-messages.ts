// What the player's engine tells the page, as a test sees it: the messages of the player workers
// started while the watch is on (the element itself ignores some of them, e.g. keyframe progress).
import { MessageType, type KeyframeProgress, type WorkerMessage } from '../../src/worker/protocol.js';

/** Calls `onMessage` with every message of the workers started until the returned function is called. */
export function watchPlayerWorkers(onMessage: (message: WorkerMessage) => void): () => void {
  const RealWorker = window.Worker;
  window.Worker = class extends RealWorker {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      this.addEventListener('message', (event: MessageEvent<WorkerMessage>) => onMessage(event.data));
    }
  };
  return () => {
    window.Worker = RealWorker;
  };
}

/** The background keyframe building of the players started until `stop()`, as last reported. */
export function watchKeyframes(): { progress: KeyframeProgress; stop(): void } {
  const watch = { progress: { count: 0, caughtUp: false }, stop: () => {} };
  watch.stop = watchPlayerWorkers((message) => {
    if (message.type === MessageType.Keyframes) watch.progress = { count: message.count, caughtUp: message.caughtUp };
  });
  return watch;
}
