import { PlaybackSession } from '../core/session.js';
import type { MarkerStore } from '../format/marker-store.js';
import type { Marker } from '../format/timeline.js';
import { MessageType, toErrorPayload, type ParamsOf, type RequestMessage, type RequestMethod, type ResultOf, type WorkerMessage } from './protocol.js';

type Handlers = { [M in RequestMethod]: (params: ParamsOf<M>) => ResultOf<M> | Promise<ResultOf<M>> };

/** The player's engine behind the message protocol: one session, answering requests and reporting events. */
export interface PlayerEngine {
  handle(request: RequestMessage): Promise<void>;
}

/**
 * Makes the engine that the worker runs — or, where no worker can run, the page itself. `post`
 * receives every response and event, and what to transfer with it; in a worker it is `postMessage`.
 */
export function createEngine(post: (message: WorkerMessage, transfer?: Transferable[]) => void): PlayerEngine {
  /** The session's metadata version the page has (timeupdate 4× a second need not clone the markers). */
  let metadataSent = -1;
  /** The marker list the page has the first `markersSent` of: a load's list only grows (its transfers grow in place), a new load makes a new one. */
  let markersOfPage: MarkerStore | undefined;
  let markersSent = 0;
  let stringsSent = 0;
  const session: PlaybackSession = new PlaybackSession({
    emit: (name, detail) => {
      // The snapshot's `markers` is not enumerable: the rest leaves it out without making it.
      const { recording, ...state } = session.snapshot();
      if (session.metadataVersion !== metadataSent) {
        metadataSent = session.metadataVersion;
        const markers = session.markerStore;
        const markersFrom = markers === markersOfPage ? markersSent : 0;
        // Transfers the page has that grew since: sent again.
        const revised = session.takeRevisedMarkers().flatMap((index): Array<[number, Marker]> => (index < markersFrom ? [[index, markers.at(index)]] : []));
        const columns = markers.columns(markersFrom, markersFrom ? stringsSent : 0);
        markersOfPage = markers;
        markersSent = markers.length;
        stringsSent = markers.stringCount;
        post({ type: MessageType.Metadata, recording, markersFrom, markers: columns, revised }, [columns.times.buffer, columns.kinds.buffer, columns.texts.buffer]);
      }
      post({ type: MessageType.Event, name, detail, state });
    },
    activity: (seconds) => post({ type: MessageType.Activity, seconds }),
    keyframes: (progress) => post({ type: MessageType.Keyframes, ...progress }),
  });
  /** Text search (`text-search.ts`), a chunk loaded on the first search. */
  let textSearch: Promise<ReturnType<typeof import('./text-search.js').textSearcher>> | undefined;
  /** Running exports (video, evidence) by the page's id, to cancel them. */
  const exports = new Map<number, AbortController>();
  /** Runs an export of the session under the page's id, its progress posted with that id. */
  const runExport = async <P extends { exportId: number }, T>(
    { exportId, ...request }: P,
    exporter: (request: Omit<P, 'exportId'>, onProgress: (progress: { fraction: number; frames: number }) => void, signal: AbortSignal) => Promise<T>,
  ): Promise<T> => {
    const controller = new AbortController();
    exports.set(exportId, controller);
    try {
      return await exporter(request, (progress) => post({ type: MessageType.ExportProgress, exportId, ...progress }), controller.signal);
    } finally {
      exports.delete(exportId);
    }
  };
  const handlers: Handlers = {
    attach: ({ screen, cursor }) => session.attach(screen, cursor),
    load: (params) => session.load(params),
    play: () => session.play(),
    pause: () => session.pause(),
    seek: ({ timeMs }) => session.seek(timeMs),
    setRate: ({ rate }) => session.setPlaybackRate(rate),
    setLoop: ({ loop }) => session.setLoop(loop),
    stepScreen: ({ direction }) => session.stepScreen(direction),
    setIdleLimit: ({ idleLimitMs }) => session.setIdleLimit(idleLimitMs),
    captureFrame: ({ type, quality }) => session.captureFrame(type, quality),
    thumbnail: ({ timeMs, width }) => session.thumbnail(timeMs, width),
    approximateScreen: (request) => session.approximateScreen(request),
    exportVideo: (params) => runExport(params, session.exportVideo.bind(session)),
    exportEvidence: (params) => runExport(params, session.exportEvidence.bind(session)),
    cancelExport: ({ exportId }) => exports.get(exportId)?.abort(new DOMException('the export was cancelled', 'AbortError')),
    searchText: async (params) => (await (textSearch ??= import('./text-search.js').then(({ textSearcher }) => textSearcher())))(params),
    dispose: () => session.dispose(),
  };
  return {
    async handle(request) {
      try {
        const handle = handlers[request.method] as (params: unknown) => unknown;
        const result = await handle(request.params);
        // A thumbnail is the page's to keep: handed over, not copied.
        post({ type: MessageType.Response, id: request.id, ok: true, result }, typeof ImageBitmap === 'function' && result instanceof ImageBitmap ? [result] : []);
      } catch (error) {
        post({ type: MessageType.Response, id: request.id, ok: false, error: toErrorPayload(error) });
      }
    },
  };
}
