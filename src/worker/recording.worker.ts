/**
 * The player worker: reads, schedules and paints a recording off the main thread. It owns the
 * playback state; the page sends requests and mirrors the snapshots that come back.
 */
import { PlaybackSession } from '../core/session.js';
import { MessageType, toErrorPayload, type ParamsOf, type RequestMessage, type RequestMethod, type ResultOf, type WorkerMessage } from './protocol.js';

// The project's lib is DOM; only these members of the dedicated worker scope are used.
interface WorkerScope {
  onmessage: ((event: MessageEvent<RequestMessage>) => void) | null;
  postMessage(message: WorkerMessage): void;
}
const scope = self as unknown as WorkerScope;

const session: PlaybackSession = new PlaybackSession({
  emit: (name, detail) => scope.postMessage({ type: MessageType.Event, name, detail, state: session.snapshot() }),
});

type Handlers = { [M in RequestMethod]: (params: ParamsOf<M>) => ResultOf<M> | Promise<ResultOf<M>> };

const handlers: Handlers = {
  attach: ({ screen, cursor }) => session.attach(screen, cursor),
  load: (params) => session.load(params),
  play: () => session.play(),
  pause: () => session.pause(),
  seek: ({ timeMs }) => session.seek(timeMs),
  setRate: ({ rate }) => session.setPlaybackRate(rate),
  setLoop: ({ loop }) => session.setLoop(loop),
  setIdleLimit: ({ idleLimitMs }) => session.setIdleLimit(idleLimitMs),
  captureFrame: ({ type, quality }) => session.captureFrame(type, quality),
};

scope.onmessage = async ({ data: request }) => {
  if (request.type !== MessageType.Request) return;
  try {
    const handle = handlers[request.method] as (params: unknown) => unknown;
    const result = await handle(request.params);
    scope.postMessage({ type: MessageType.Response, id: request.id, ok: true, result });
  } catch (error) {
    scope.postMessage({ type: MessageType.Response, id: request.id, ok: false, error: toErrorPayload(error) });
  }
};
