// The page of `desktop-recording serve`: a portal's "Session Recordings" view of its recordings.
//
// The list comes from GET /api/recordings (sorting, filters and pages are the API's own); a row
// plays in the <desktop-recording-player> beside it, from the file over HTTP or from the server-paced
// playback websocket. The page's address holds the state (?sid=<session id>&mode=ws, and the list's
// sort, filters and page when they are not the defaults), so reloads, links and Back work; a `#t=`
// in it (the player's copy-link button makes such links) starts the recording there. The server
// finds a recording by its session id (or, for older links, by its file name).
import '/dist/desktop-recording-player.js';

const SORT_KEYS = ['start', 'duration', 'user', 'desktop'];
const DEFAULT_SORT = '-start';
/** The direction a column sorts in when its header is first clicked. */
const FIRST_DESCENDING = { start: true, duration: true, user: false, desktop: false };
const SORT_WORDS = {
  start: ['date', 'oldest first', 'newest first'],
  duration: ['duration', 'shortest first', 'longest first'],
  user: ['user', 'A to Z', 'Z to A'],
  desktop: ['desktop', 'A to Z', 'Z to A'],
};
const DEFAULT_LIMIT = 20;
/** How often the list is read again while a recording in it is live. */
const POLL_MS = 2000;
const SID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
// A screen with what tells the desktops apart inside it: four window panes (Windows), a shell prompt (Linux).
const SCREEN = '<rect x="2.5" y="3.5" width="19" height="12.5" rx="1.5" fill="none" stroke="currentColor" stroke-width="1.7"/><path d="M8 20.5h8M12 16v4.5" stroke="currentColor" stroke-width="1.7" stroke-linecap="round"/>';
const DESKTOP_KINDS = {
  windows: {
    label: 'Windows desktop',
    icon: `<svg class="desktop-icon" viewBox="0 0 24 24" aria-hidden="true">${SCREEN}<path d="M8 7h3.5v2.5H8zM12.5 7H16v2.5h-3.5zM8 10.5h3.5V13H8zM12.5 10.5H16V13h-3.5z" fill="currentColor"/></svg>`,
  },
  linux: {
    label: 'Linux desktop',
    icon: `<svg class="desktop-icon" viewBox="0 0 24 24" aria-hidden="true">${SCREEN}<path d="M7 7.5l2.5 2.25L7 12M11 12.5h5" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round"/></svg>`,
  },
};
const desktopKindOf = (row) => DESKTOP_KINDS[row.desktopKind] ?? DESKTOP_KINDS.windows;

const $ = (id) => document.getElementById(id);
const player = $('player');
const table = $('recordings');
const tbody = $('rows');
const filterUser = $('filter-user');
const filterDesktop = $('filter-desktop');
const liveButton = $('start-live');

/** What the address says: the list's view and the recording in the player. */
const state = { sort: DEFAULT_SORT, user: '', desktop: '', offset: 0, limit: DEFAULT_LIMIT, sid: null, mode: 'http', throttle: '' };
/** The rows on the current page, and how many match in all. */
let rows = [];
let total = 0;
/** Planned length (ms) of the live sessions started from this page, for the websocket's `duration-hint`. */
const plannedMs = new Map();
/** A live session just started and not yet in the list: shown on top until the list has it. */
let pendingLive = null;
/** What the player was last given: { sid, mode }. */
let loaded = null;

// ---------------------------------------------------------------------------------------------
// Formatting

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
/** A row's session id: what `?sid=` holds (older links held the file name; see canonicalSid). */
const sidOf = (row) => row.sessionId || row.file.replace(/\.tar$/, '');
const userOf = (row) => row.user || 'unknown user';
const desktopOf = (row) => row.desktopName || row.desktopAddr || 'unknown desktop';
const accountOf = (row) => row.linuxUser || (row.windowsUser ? `${row.windowsDomain ? `${row.windowsDomain}\\` : ''}${row.windowsUser}` : '');

/** `m:ss` or `h:mm:ss`, as the player shows times. */
function clock(ms) {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor(seconds / 60) % 60;
  const s = String(seconds % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

function spokenLength(ms) {
  const minutes = Math.round(ms / 60000);
  if (minutes >= 1) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const seconds = Math.round(ms / 1000);
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

function byteSize(n) {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** The start of a media fragment (`#t=90`, `#t=1:30`, `#t=npt:90,120`), as written; undefined without one. */
function fragmentStart(hash) {
  for (const pair of hash.replace(/^#/, '').split('&')) {
    const [name, value] = pair.split('=', 2);
    if (name === 't' && value) {
      const start = decodeURIComponent(value).replace(/^npt:/, '').split(',')[0].trim();
      if (/^(?:(?:\d+:)?\d{1,2}:)?\d+(?:\.\d*)?$/.test(start)) return start;
    }
  }
  return undefined;
}

/** `90`, `1:30`, `1:01:30` → seconds. */
function seconds(text) {
  return text.split(':').reduce((sum, part) => sum * 60 + Number(part), 0);
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function say(text) {
  // Cleared first, so the same words are announced again.
  $('status').textContent = '';
  requestAnimationFrame(() => ($('status').textContent = text));
}

function showAlert(text) {
  $('alert').querySelector('.alert-text').textContent = text;
  $('alert').hidden = false;
}
$('alert-close').addEventListener('click', () => ($('alert').hidden = true));

// ---------------------------------------------------------------------------------------------
// The address

function readLocation() {
  const params = new URLSearchParams(location.search);
  const sid = params.get('sid');
  const sort = params.get('sort');
  const count = (name, fallback, min) => {
    const value = params.get(name);
    return value !== null && /^\d{1,9}$/.test(value) && Number(value) >= min ? Number(value) : fallback;
  };
  state.sid = sid && SID.test(sid) ? sid : null;
  state.mode = params.get('mode') === 'ws' ? 'ws' : 'http';
  state.sort = sort && SORT_KEYS.includes(sort.replace(/^-/, '')) ? sort : DEFAULT_SORT;
  state.user = params.get('user') ?? '';
  state.desktop = params.get('desktop') ?? '';
  state.limit = Math.min(500, count('limit', DEFAULT_LIMIT, 1));
  state.offset = count('offset', 0, 0);
  // `?throttle=20mbit`: the demo server paces the recording's bytes (Range reads too), as a slow link would.
  const throttle = params.get('throttle');
  state.throttle = throttle && /^\d+(\.\d+)?\s*[kmg]?(bit|bps|b)?$/i.test(throttle) ? throttle : '';
}

/** This page's address for `state` (with `changes`), defaults left out. */
function pageUrl(changes = {}) {
  const s = { ...state, ...changes };
  const params = new URLSearchParams();
  if (s.sid) params.set('sid', s.sid);
  if (s.mode === 'ws') params.set('mode', 'ws');
  if (s.sort !== DEFAULT_SORT) params.set('sort', s.sort);
  if (s.user.trim()) params.set('user', s.user.trim());
  if (s.desktop.trim()) params.set('desktop', s.desktop.trim());
  if (s.offset) params.set('offset', String(s.offset));
  if (s.limit !== DEFAULT_LIMIT) params.set('limit', String(s.limit));
  if (s.throttle) params.set('throttle', s.throttle);
  const query = params.toString();
  return `${location.pathname}${query ? `?${query}` : ''}`;
}

/**
 * A new history entry for another recording or mode (its `#t=` belongs to the old one and goes);
 * the list's view replaces the current entry (and keeps `#t=`).
 */
function writeLocation(push) {
  const url = pageUrl();
  if (push) {
    if (url !== location.pathname + location.search || location.hash) history.pushState(null, '', url);
  } else {
    history.replaceState(null, '', url + location.hash);
  }
}

function syncControls() {
  filterUser.value = state.user;
  filterDesktop.value = state.desktop;
  for (const radio of document.querySelectorAll('input[name="mode"]')) radio.checked = radio.value === state.mode;
}

// ---------------------------------------------------------------------------------------------
// The list

let listRequest;
let pollTimer;

/** Reads the current page of the list. `announce`: say the result; `quiet`: a background refresh. */
async function loadList({ announce = false, quiet = false } = {}) {
  listRequest?.abort();
  clearTimeout(pollTimer);
  const request = (listRequest = new AbortController());
  const query = new URLSearchParams({ sort: state.sort, limit: String(state.limit), offset: String(state.offset) });
  if (state.user.trim()) query.set('user', state.user.trim());
  if (state.desktop.trim()) query.set('desktop', state.desktop.trim());
  if (!quiet) table.setAttribute('aria-busy', 'true');
  try {
    const response = await fetch(`/api/recordings?${query}`, { signal: request.signal, cache: 'no-store' });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error ?? `the server answered ${response.status}`);
    if (body.total > 0 && state.offset >= body.total) {
      // Past the last page (the list shrank, or an old link): go to the last page.
      state.offset = Math.floor((body.total - 1) / state.limit) * state.limit;
      writeLocation(false);
      return loadList({ announce, quiet });
    }
    rows = body.recordings;
    total = body.total;
    canonicalSid();
    if (pendingLive) {
      if (rows.some((row) => sidOf(row) === pendingLive.sid) || Date.now() > pendingLive.until) pendingLive = null;
      else if (state.offset === 0) rows = [pendingLive.row, ...rows];
    }
    renderRows();
    renderSort();
    renderPager();
    renderNowPlaying();
    if (announce) say(`${$('count').textContent}, ${sortDescription()}.`);
  } catch (error) {
    if (request.signal.aborted) return;
    if (!quiet) {
      rows = [];
      renderMessage(`Could not load the recordings: ${error.message}.`, true);
      $('pager').hidden = true;
    }
  } finally {
    if (listRequest === request) {
      table.removeAttribute('aria-busy');
      // Live recordings grow and end: keep their rows current.
      if (rows.some((row) => row.live) || pendingLive) pollTimer = setTimeout(() => loadList({ quiet: true }), POLL_MS);
    }
  }
}

/** An older link's `?sid=` named the file: where the list shows that file, the address takes its session id. */
function canonicalSid() {
  if (!state.sid || rows.some((row) => sidOf(row) === state.sid)) return;
  const row = rows.find((candidate) => candidate.file === `${state.sid}.tar`);
  if (!row) return;
  if (loaded?.sid === state.sid) loaded.sid = sidOf(row);
  state.sid = sidOf(row);
  writeLocation(false);
}

function renderMessage(text, retry = false) {
  const tr = element('tr', 'message-row');
  const td = element('td');
  td.colSpan = 4;
  td.append(element('p', '', text));
  if (retry) {
    const button = element('button', 'button', 'Try again');
    button.type = 'button';
    button.addEventListener('click', () => loadList({ announce: true }));
    td.append(button);
  }
  tr.append(td);
  tbody.replaceChildren(tr);
  $('count').textContent = '';
}

function renderRows() {
  const filtered = Boolean(state.user.trim() || state.desktop.trim());
  $('count').textContent = `${total} recording${total === 1 ? '' : 's'}${filtered ? (total === 1 ? ' matches' : ' match') : ''}`;
  // A refresh keeps keyboard focus on the row it was on.
  const focusedSid = tbody.contains(document.activeElement) ? document.activeElement.closest('tr')?.dataset.sid : undefined;
  if (!rows.length) {
    renderMessage(filtered ? 'No recordings match these filters.' : 'No recordings in this folder yet.');
    $('count').textContent = filtered ? '0 recordings match' : '0 recordings';
    return;
  }
  tbody.replaceChildren(...rows.map(rowElement));
  if (focusedSid) tbody.querySelector(`tr[data-sid="${CSS.escape(focusedSid)}"] a.play`)?.focus();
}

function rowElement(row) {
  const sid = sidOf(row);
  const selected = sid === state.sid;
  const tr = element('tr', selected ? 'selected' : '');
  tr.dataset.sid = sid;
  const start = row.start ? new Date(row.start) : undefined;

  const user = element('td');
  const userCell = element('div', 'cell');
  const link = element('a', 'play primary', userOf(row));
  link.title = userOf(row);
  link.href = pageUrl({ sid });
  link.setAttribute('aria-label', `Play ${userOf(row)} on ${desktopOf(row)}${start ? `, ${dateFormat.format(start)} ${timeFormat.format(start)}` : ''}${row.live ? ', live' : ''}`);
  if (selected) link.setAttribute('aria-current', 'true');
  userCell.append(link);
  if (accountOf(row)) userCell.append(element('span', 'secondary', accountOf(row)));
  user.append(userCell);

  const desktop = element('td');
  const desktopCell = element('div', 'desktop-cell');
  desktopCell.innerHTML = desktopKindOf(row).icon;
  const desktopText = element('div', 'cell');
  desktopText.append(element('span', 'primary', desktopOf(row)), element('span', 'visually-hidden', ` (${desktopKindOf(row).label})`));
  desktopText.title = [desktopKindOf(row).label, desktopOf(row), row.desktopName && row.desktopAddr].filter(Boolean).join(' · ');
  if (row.desktopName && row.desktopAddr) desktopText.append(element('span', 'secondary', row.desktopAddr));
  desktopCell.append(desktopText);
  desktop.append(desktopCell);

  const duration = element('td', 'numeric');
  const durationCell = element('div', 'cell');
  const length = element('time', '', clock(row.durationMs));
  length.dateTime = `PT${Math.floor(row.durationMs / 1000)}S`;
  durationCell.append(length);
  if (row.live) {
    // Still recording: how far it is, of the length it is planned to run.
    if (row.plannedDurationMs) {
      length.title = `${clock(row.durationMs)} recorded so far`;
      durationCell.append(element('span', 'secondary', `of ${clock(row.plannedDurationMs)}`));
    }
    durationCell.append(element('span', 'badge badge--live', 'live'));
  }
  if (row.damaged) {
    const badge = element('span', 'badge badge--damaged', 'damaged');
    badge.title = 'The file is damaged: the part before the damage plays.';
    durationCell.append(badge);
  }
  duration.append(durationCell);

  const date = element('td', 'date');
  if (start) {
    const day = element('time', 'cell');
    day.dateTime = row.start;
    day.append(element('span', '', dateFormat.format(start)), element('span', 'secondary', timeFormat.format(start)));
    date.append(day);
  } else {
    date.append(element('span', 'secondary', '—'));
  }
  tr.append(user, desktop, duration, date);
  return tr;
}

function markSelected() {
  for (const tr of tbody.querySelectorAll('tr[data-sid]')) {
    const selected = tr.dataset.sid === state.sid;
    tr.classList.toggle('selected', selected);
    const link = tr.querySelector('a.play');
    if (selected) link.setAttribute('aria-current', 'true');
    else link.removeAttribute('aria-current');
  }
  // The links carry the list's view and mode.
  for (const link of tbody.querySelectorAll('a.play')) link.href = pageUrl({ sid: link.closest('tr').dataset.sid });
}

function sortParts() {
  const descending = state.sort.startsWith('-');
  return [state.sort.replace(/^-/, ''), descending];
}

function sortDescription() {
  const [key, descending] = sortParts();
  const [name, up, down] = SORT_WORDS[key];
  return `sorted by ${name}, ${descending ? down : up}`;
}

function renderSort() {
  const [key, descending] = sortParts();
  for (const th of table.querySelectorAll('th[data-sort]')) {
    if (th.dataset.sort === key) th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
    else th.removeAttribute('aria-sort');
  }
  $('caption').textContent = `Desktop session recordings, ${sortDescription()}`;
}

function renderPager() {
  const pager = $('pager');
  pager.hidden = total <= state.limit && state.offset === 0;
  if (pager.hidden) return;
  const first = Math.min(total, state.offset + 1);
  const last = Math.min(total, state.offset + rows.length - (pendingLive && state.offset === 0 && rows[0] === pendingLive.row ? 1 : 0));
  $('page-info').textContent = `${first}–${last} of ${total}`;
  const previous = $('prev-page');
  const next = $('next-page');
  const wasFocused = document.activeElement;
  previous.disabled = state.offset === 0;
  next.disabled = state.offset + state.limit >= total;
  // A button that just became disabled would drop focus to the page: hand it to the other one.
  if (wasFocused === previous && previous.disabled) next.focus();
  if (wasFocused === next && next.disabled) previous.focus();
}

function turnPage(direction) {
  state.offset = Math.max(0, state.offset + direction * state.limit);
  writeLocation(false);
  loadList({ announce: true });
}
$('prev-page').addEventListener('click', () => turnPage(-1));
$('next-page').addEventListener('click', () => turnPage(1));

table.querySelector('thead').addEventListener('click', (event) => {
  const th = event.target.closest('th[data-sort]');
  if (!th || !event.target.closest('button')) return;
  const key = th.dataset.sort;
  const [current, descending] = sortParts();
  const toDescending = current === key ? !descending : FIRST_DESCENDING[key];
  state.sort = toDescending ? `-${key}` : key;
  state.offset = 0;
  writeLocation(false);
  loadList({ announce: true });
});

let filterTimer;
function applyFilters() {
  clearTimeout(filterTimer);
  if (state.user === filterUser.value && state.desktop === filterDesktop.value) return;
  state.user = filterUser.value;
  state.desktop = filterDesktop.value;
  state.offset = 0;
  writeLocation(false);
  loadList({ announce: true });
}
$('filters').addEventListener('input', () => {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(applyFilters, 300);
});
$('filters').addEventListener('submit', (event) => {
  event.preventDefault();
  applyFilters();
});

tbody.addEventListener('click', (event) => {
  const tr = event.target.closest('tr[data-sid]');
  if (!tr) return;
  // Modified clicks open the row's link elsewhere, as links do.
  if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  choose(tr.dataset.sid, { autoplay: true });
});

// ---------------------------------------------------------------------------------------------
// The player

const rowFor = (sid) => rows.find((row) => sidOf(row) === sid);

/** Plays `sid` in the player, in the current mode, as a new history entry. */
function choose(sid, { autoplay = false } = {}) {
  if (sid === loaded?.sid && state.mode === loaded?.mode) {
    if (autoplay && player.paused) player.play().catch(() => {});
    return;
  }
  state.sid = sid;
  writeLocation(true);
  markSelected();
  void loadPlayer({ autoplay });
  // Where the player sits below the list (narrow screens), bring it into view.
  $('player-panel').scrollIntoView({ block: 'nearest', behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
}

/** The length to tell the player of a websocket source, which cannot tell it up front (ms). */
async function lengthOf(sid) {
  if (plannedMs.has(sid)) return plannedMs.get(sid);
  const row = rowFor(sid);
  if (row) return row.live ? row.plannedDurationMs : row.durationMs;
  // Not on this page of the list (a link): ask as Teleport's web UI does.
  const response = await fetch(`/webapi/sites/demo/sessionlength/${encodeURIComponent(sid)}`).catch(() => undefined);
  const body = response?.ok ? await response.json().catch(() => undefined) : undefined;
  return typeof body?.durationMs === 'number' ? body.durationMs : undefined;
}

let loadCount = 0;

/** Gives the player the selected recording: `startAt` seconds (or `[hh:]mm:ss`), `autoplay`. */
async function loadPlayer({ autoplay = false, startAt } = {}) {
  const count = ++loadCount;
  const sid = state.sid;
  if (!sid) {
    loaded = null;
    player.pause();
    player.src = '';
    player.hidden = true;
    $('placeholder').hidden = false;
    renderNowPlaying();
    return;
  }
  const row = rowFor(sid);
  const mode = state.mode;
  let src;
  let hintMs;
  if (mode === 'ws') {
    hintMs = await lengthOf(sid);
    if (count !== loadCount) return;
    const path = row?.wsPath ?? `/webapi/sites/demo/desktopplayback/${encodeURIComponent(sid)}/ws`;
    src = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
  } else {
    src = row?.url ?? `/recordings/${encodeURIComponent(sid)}.tar`;
    if (state.throttle) src += `${src.includes('?') ? '&' : '?'}throttle=${encodeURIComponent(state.throttle)}`;
  }
  $('placeholder').hidden = true;
  player.hidden = false;
  const start = startAt === undefined || startAt === '' ? 0 : seconds(String(startAt));
  // A websocket source waits for the server's real-time pacing to reach `start-at`; a seek makes
  // the server fast-forward: there, the start is a seek once the length is known.
  const seekOnMetadata = mode === 'ws' && start > 0;
  // Both are read when the source is set: they go first.
  if (hintMs) player.setAttribute('duration-hint', String(hintMs / 1000));
  else player.removeAttribute('duration-hint');
  if (start > 0 && !seekOnMetadata) player.setAttribute('start-at', String(startAt));
  else player.removeAttribute('start-at');
  loaded = { sid, mode };
  showSidecars(row, count);
  player.src = src;
  if (seekOnMetadata) {
    player.addEventListener('loadedmetadata', () => {
      if (count !== loadCount) return;
      player.currentTime = start;
      if (autoplay) player.play().catch(() => {});
    }, { once: true });
  } else if (autoplay) {
    player.play().catch(() => {});
  }
  renderNowPlaying();
}

/**
 * The recording's sidecars, when the list has them: its text index turns the player's text search
 * on (any source, the websocket too; without an index the page leaves it off, as the browser would
 * have to read the whole screen itself), and its review notes are loaded once the file is read (the
 * player checks they belong to it).
 */
function showSidecars(row, count) {
  if (row?.textIndex) {
    player.setAttribute('text-index', row.textIndex);
    player.setAttribute('text-search-src', '/text-search/');
    player.textSearch = true;
  } else {
    player.removeAttribute('text-index');
    player.textSearch = false;
  }
  if (!row?.reviewNotes) return;
  player.addEventListener('canplaythrough', async () => {
    if (count !== loadCount) return;
    try {
      const response = await fetch(row.reviewNotes, { cache: 'no-cache' });
      if (!response.ok) throw new Error(`the server answered ${response.status}`);
      const text = await response.text();
      if (count !== loadCount) return;
      await player.importReviewNotes(text);
      say(`Review notes loaded: ${player.reviewNotes.length}.`);
    } catch (error) {
      say(`The review notes of this recording were not loaded: ${error.message}`);
    }
  }, { once: true });
}

/** The heading, details and source line of the recording in the player. */
function renderNowPlaying() {
  const sid = loaded?.sid;
  const title = $('now-title');
  if (!sid) {
    title.textContent = 'Choose a recording';
    $('now-meta').textContent = 'Pick a session from the list to play it here.';
    $('source').hidden = true;
    document.title = 'Session Recordings · desktop-recording-player demo';
    return;
  }
  // The row when the list shows it; else what the player read from the file.
  const recording = player.recording;
  const row = rowFor(sid) ?? (recording && {
    user: recording.user, desktopName: recording.desktopName, desktopAddr: recording.desktopAddr,
    windowsUser: recording.windowsUser, windowsDomain: recording.windowsDomain, linuxUser: recording.linuxUser, desktopKind: recording.desktopKind,
    start: recording.sessionStart?.toISOString(), durationMs: Number.isFinite(player.duration) ? player.duration * 1000 : undefined,
    screen: player.videoWidth ? { width: player.videoWidth, height: player.videoHeight } : null,
  });
  const heading = row ? `${userOf(row)} on ${desktopOf(row)}` : sid;
  title.textContent = heading;
  if (row?.live) title.append(element('span', 'badge badge--live', 'live'));
  const meta = [];
  if (row) {
    if (accountOf(row)) meta.push(accountOf(row));
    if (row.desktopName && row.desktopAddr) meta.push(row.desktopAddr);
    if (row.start) meta.push(`${dateFormat.format(new Date(row.start))}, ${timeFormat.format(new Date(row.start))}`);
    if (row.durationMs !== undefined) {
      const planned = row.live && row.plannedDurationMs ? `recorded of ${clock(row.plannedDurationMs)}` : 'so far';
      meta.push(row.live ? `${clock(row.durationMs)} ${planned}` : clock(row.durationMs));
    }
    if (row.screen) meta.push(`${row.screen.width}×${row.screen.height}`);
    if (row.size) meta.push(byteSize(row.size));
  }
  $('now-meta').textContent = meta.join(' · ') || `Session ${sid}`;
  $('source').hidden = false;
  $('source-label').textContent = loaded.mode === 'ws' ? 'Websocket (server-paced)' : 'File over HTTP';
  $('source-url').textContent = new URL(player.src, location.href).href;
  $('download').href = rowFor(sid)?.url ?? `/recordings/${encodeURIComponent(sid)}.tar`;
  document.title = `${heading} · Session Recordings`;
}
// Without a row (a link to a recording on another page), the details come from the file as it loads.
player.addEventListener('loadedmetadata', () => renderNowPlaying());
player.addEventListener('durationchange', () => {
  if (loaded && !rowFor(loaded.sid)) renderNowPlaying();
});

for (const radio of document.querySelectorAll('input[name="mode"]')) {
  radio.addEventListener('change', () => {
    if (!radio.checked || radio.value === state.mode) return;
    state.mode = radio.value;
    writeLocation(true);
    markSelected();
    if (!state.sid) return;
    // The other source continues from the same moment, playing if the player was.
    const at = player.currentTime;
    const playing = !player.paused && !player.ended;
    void loadPlayer({ startAt: Number.isFinite(at) && at > 0 ? Math.round(at * 1000) / 1000 : undefined, autoplay: playing });
    say(radio.value === 'ws' ? 'Switched to the server-paced websocket.' : 'Switched to the file over HTTP.');
  });
}

// ---------------------------------------------------------------------------------------------
// Live sessions

/** The live-session button shows only where the server runs live sessions (the demo's `npm start`). */
async function showServerActions() {
  const response = await fetch('/api/server', { cache: 'no-store' }).catch(() => undefined);
  const info = response?.ok ? await response.json().catch(() => ({})) : {};
  liveButton.hidden = !(Array.isArray(info.actions) && info.actions.includes('live'));
}

liveButton.addEventListener('click', async () => {
  const label = liveButton.querySelector('.label');
  // aria-disabled, not disabled: the button keeps keyboard focus while the session starts.
  if (liveButton.getAttribute('aria-disabled') === 'true') return;
  liveButton.setAttribute('aria-disabled', 'true');
  liveButton.setAttribute('aria-busy', 'true');
  label.textContent = 'Starting…';
  try {
    const response = await fetch('/api/live', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error ?? `the server answered ${response.status}`);
    plannedMs.set(body.sessionId, body.durationMs);
    pendingLive = {
      sid: body.sessionId,
      until: Date.now() + 15_000,
      row: {
        file: `${body.sessionId}.tar`, sessionId: body.sessionId, kind: 'desktop', user: 'live session', desktopName: 'starting…',
        start: new Date().toISOString(), durationMs: 0, plannedDurationMs: body.durationMs, participants: [], size: 0, screen: null, damaged: false, live: true,
        url: body.url, wsPath: body.wsPath,
      },
    };
    // Newest first, unfiltered, first page: the new session is the top row.
    Object.assign(state, { sort: DEFAULT_SORT, user: '', desktop: '', offset: 0, sid: body.sessionId });
    syncControls();
    writeLocation(true);
    await loadList();
    await loadPlayer({ autoplay: true });
    say(`Live session started. It runs for ${spokenLength(body.durationMs)}; it is at the top of the list and playing.`);
  } catch (error) {
    showAlert(`Could not start a live session: ${error.message}`);
  } finally {
    liveButton.removeAttribute('aria-disabled');
    liveButton.removeAttribute('aria-busy');
    label.textContent = 'Start a live session';
  }
});

// ---------------------------------------------------------------------------------------------
// Back, forward, and links to this page

addEventListener('popstate', () => {
  const before = { ...state };
  readLocation();
  syncControls();
  const listChanged = ['sort', 'user', 'desktop', 'offset', 'limit'].some((key) => state[key] !== before[key]);
  if (listChanged) void loadList({ announce: true });
  else markSelected();
  const start = fragmentStart(location.hash);
  if (state.sid !== loaded?.sid || state.mode !== loaded?.mode) void loadPlayer({ startAt: start });
  // Same recording, another `#t=` (a pasted link): go there.
  else if (start !== undefined) player.currentTime = seconds(start);
});

readLocation();
syncControls();
renderSort();
void showServerActions();
await loadList();
if (state.sid) await loadPlayer({ startAt: fragmentStart(location.hash) });
