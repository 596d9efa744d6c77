/**
 * The recordings list of `desktop-recording serve` (`GET /api/recordings`): one row per
 * `<sid>.tar` in the folder, from the session events in the file, with sorting, filters and
 * pagination. Summaries are cached per file by (size, mtime) — for a live recording by its
 * committed size — so the files are not parsed again on every request.
 */
import { readdir } from 'node:fs/promises';
import { summarizeRecording, type RecordingSummary } from '../format/summary.js';
import { isRecordingName, openRecording, recordingExists } from './files.js';
import type { LiveRecordings } from './live-recordings.js';
import { sidecarsOf } from './sidecars.js';

/** One row of the recordings list, like Teleport's Session Recordings page. */
export interface RecordingListItem {
  /** File name in the folder (`<sid>.tar`). */
  file: string;
  /** Session id from the recording's events (the file name without `.tar` when none). */
  sessionId: string;
  kind: 'desktop';
  /** A Windows desktop (RDP) or a Linux desktop (Teleport 2026), as `recording.desktopKind` of the player. */
  desktopKind: 'windows' | 'linux';
  clusterName?: string;
  /** Teleport user. */
  user?: string;
  desktopName?: string;
  desktopAddr?: string;
  windowsUser?: string;
  windowsDomain?: string;
  /** The account on a Linux desktop. */
  linuxUser?: string;
  /** ISO 8601. */
  start?: string;
  end?: string;
  /** Length on the player's timeline (contract §3.3), ms. */
  durationMs: number;
  participants: string[];
  recorded?: boolean;
  /** Bytes (for a live recording: the complete parts written so far). */
  size: number;
  /** Screen size (the last one) when known. */
  screen: { width: number; height: number } | null;
  damaged: boolean;
  /** Still being recorded (`POST /api/live`): the file grows. */
  live: boolean;
  /** Live only: the length the session is planned to run, ms (`durationMs` is what is recorded so far). */
  plannedDurationMs?: number;
  /** The file's URL on this server. */
  url: string;
  /** Path of the playback websocket for this recording. */
  wsPath: string;
  /** URL of its text index (`<name>.text.json` beside it, from `desktop-recording index`), when there is one: the player's `text-index`. */
  textIndex?: string;
  /** URL of its review notes (`<name>.review.json` or `<session-id>.review.json` beside it), when there are: for `importReviewNotes()`. */
  reviewNotes?: string;
}

export interface ListQuery {
  sort: SortKey;
  descending: boolean;
  user?: string;
  desktop?: string;
  limit: number;
  offset: number;
}

export interface ListPage {
  total: number;
  offset: number;
  limit: number;
  recordings: RecordingListItem[];
}

const SORT_KEYS = ['start', 'duration', 'user', 'desktop'] as const;
type SortKey = (typeof SORT_KEYS)[number];
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

/** Parses the list's query parameters; a string says what is wrong. */
export function parseListQuery(params: URLSearchParams): ListQuery | string {
  const sortParam = params.get('sort') || '-start';
  const descending = sortParam.startsWith('-');
  const sort = (descending ? sortParam.slice(1) : sortParam.replace(/^\+/, '')) as SortKey;
  if (!SORT_KEYS.includes(sort)) return `sort must be one of ${SORT_KEYS.join(', ')} (prefix - for descending)`;
  const limit = integerParam(params, 'limit', DEFAULT_LIMIT);
  const offset = integerParam(params, 'offset', 0);
  if (limit === undefined || limit < 1) return 'limit must be a positive integer';
  if (offset === undefined || offset < 0) return 'offset must be a non-negative integer';
  const query: ListQuery = { sort, descending, limit: Math.min(limit, MAX_LIMIT), offset };
  const user = params.get('user')?.trim();
  const desktop = params.get('desktop')?.trim();
  if (user) query.user = user;
  if (desktop) query.desktop = desktop;
  return query;
}

function integerParam(params: URLSearchParams, name: string, fallback: number): number | undefined {
  const text = params.get(name);
  if (text === null || text === '') return fallback;
  return /^\d{1,9}$/.test(text) ? Number(text) : undefined;
}

/** Filters, sorts and cuts one page of `items`. `user` matches the Teleport or Windows user, `desktop` the name or address. */
export function queryList(items: RecordingListItem[], query: ListQuery, mtimes: ReadonlyMap<string, number> = new Map()): ListPage {
  const contains = (value: string | undefined, needle: string) => (value ?? '').toLowerCase().includes(needle.toLowerCase());
  const matching = items.filter(
    (item) =>
      (!query.user || contains(item.user, query.user) || contains(item.windowsUser, query.user) || contains(item.linuxUser, query.user)) &&
      (!query.desktop || contains(item.desktopName, query.desktop) || contains(item.desktopAddr, query.desktop)),
  );
  const startOf = (item: RecordingListItem) => (item.start ? Date.parse(item.start) : mtimes.get(item.file) ?? 0);
  const text = (value: string | undefined) => (value ?? '').toLowerCase();
  const compare: Record<SortKey, (a: RecordingListItem, b: RecordingListItem) => number> = {
    start: (a, b) => startOf(a) - startOf(b),
    duration: (a, b) => a.durationMs - b.durationMs,
    user: (a, b) => text(a.user).localeCompare(text(b.user)),
    desktop: (a, b) => text(a.desktopName ?? a.desktopAddr).localeCompare(text(b.desktopName ?? b.desktopAddr)),
  };
  const sign = query.descending ? -1 : 1;
  matching.sort((a, b) => sign * compare[query.sort](a, b) || a.file.localeCompare(b.file));
  return { total: matching.length, offset: query.offset, limit: query.limit, recordings: matching.slice(query.offset, query.offset + query.limit) };
}

interface CacheEntry {
  size: number;
  mtimeMs: number;
  summary: Promise<RecordingSummary>;
}

export class RecordingCatalog {
  /** Files parsed so far (each parse of a changed or new file counts once). */
  parses = 0;
  private readonly cache = new Map<string, CacheEntry>();

  constructor(private readonly dir: string, private readonly live: LiveRecordings = { get: () => undefined }) {}

  /** Every recording in the folder, in file-name order, with the URLs of its sidecars, and each file's mtime. */
  async list(): Promise<{ items: RecordingListItem[]; mtimes: Map<string, number> }> {
    const entries = new Set(await readdir(this.dir));
    const names = [...entries].filter(isRecordingName).sort();
    for (const name of this.cache.keys()) if (!names.includes(name)) this.cache.delete(name);
    const items: RecordingListItem[] = [];
    const mtimes = new Map<string, number>();
    for (const name of names) {
      const row = await this.item(name).catch(() => undefined);
      if (!row) continue;
      items.push({ ...row.item, ...(await sidecarsOf(this.dir, entries, name, row.item.sessionId)) });
      mtimes.set(name, row.mtimeMs);
    }
    return { items, mtimes };
  }

  /**
   * The file of session `sid`: `<sid>.tar` when there is one, else the first recording (by file
   * name) whose events carry that session id. `sid` must be safe as a file name (`isSafeSid`).
   */
  async fileFor(sid: string): Promise<string | undefined> {
    const named = `${sid}.tar`;
    if (await recordingExists(this.dir, named)) return named;
    const { items } = await this.list();
    return items.find((item) => item.sessionId === sid)?.file;
  }

  /** The summary of one recording (cached), or undefined when there is no such file. */
  async summary(name: string): Promise<RecordingSummary | undefined> {
    return (await this.item(name).catch(() => undefined))?.summary;
  }

  private async item(name: string): Promise<{ item: RecordingListItem; summary: RecordingSummary; mtimeMs: number }> {
    // Only regular files inside the folder (no symlink out of it), read through the handle checked.
    const { handle, info } = await openRecording(this.dir, name);
    const live = this.live.get(name);
    const isLive = live?.live ?? false;
    // A live file is read up to its last complete part; it is keyed by that size alone.
    const size = live ? live.committedBytes : info.size;
    const mtimeMs = isLive ? -1 : info.mtimeMs;
    let cached = this.cache.get(name);
    if (!cached || cached.size !== size || cached.mtimeMs !== mtimeMs) {
      this.parses += 1;
      const source = size === 0 ? new Uint8Array(0) : (handle.createReadStream({ start: 0, end: size - 1, highWaterMark: 256 * 1024, autoClose: true }) as AsyncIterable<Uint8Array>);
      const summary = summarizeRecording(source).finally(() => handle.close().catch(() => undefined));
      cached = { size, mtimeMs, summary };
      this.cache.set(name, cached);
      cached.summary.catch(() => this.cache.delete(name));
    } else {
      await handle.close();
    }
    const summary = await cached.summary;
    const r = summary.recording;
    const stem = name.replace(/\.tar$/, '');
    const item: RecordingListItem = {
      file: name,
      sessionId: r.sessionId ?? stem,
      kind: 'desktop',
      desktopKind: r.desktopKind ?? 'windows',
      clusterName: r.clusterName,
      user: r.user,
      desktopName: r.desktopName,
      desktopAddr: r.desktopAddr,
      windowsUser: r.windowsUser,
      windowsDomain: r.windowsDomain,
      linuxUser: r.linuxUser,
      start: r.sessionStart?.toISOString(),
      end: isLive ? undefined : r.sessionEnd?.toISOString(),
      durationMs: summary.durationMs,
      participants: r.participants ?? [],
      recorded: r.recorded,
      size,
      screen: summary.screen,
      // A live file ends where its recording goes on: that is not damage.
      damaged: !isLive && summary.errors.length > 0,
      live: isLive,
      ...(isLive && live?.plannedDurationMs !== undefined && { plannedDurationMs: live.plannedDurationMs }),
      url: `/recordings/${encodeURIComponent(name)}`,
      wsPath: `/webapi/sites/${encodeURIComponent(r.clusterName || 'local')}/desktopplayback/${encodeURIComponent(stem)}/ws`,
    };
    return { item, summary, mtimeMs: info.mtimeMs };
  }
}
