// Shared by the element-*.test.ts files: recordings with markers and session metadata, and small
// helpers to drive the element's controls.
import { fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import { timestampOfMs, type AuditEventInit } from '../../src/format/events.js';
import { encodeTdp } from '../../src/format/tdp.js';
import type { WriterOptions } from '../../src/format/writer.js';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { T0, desktopRecording, writeRecording } from '../helpers/recording-bytes.js';
import { blobUrl, screenMessages, type Rgb, type ScreenStep } from '../helpers/screen-recording.js';
import { nextEvent } from '../helpers/next-event.js';
import { until } from '../helpers/until.js';

export { nextEvent, until };

export const RED: Rgb = [255, 0, 0];
export const GREEN: Rgb = [0, 255, 0];
export const BLUE: Rgb = [0, 0, 255];

export const SESSION_ID = '5e55-1234';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves once the engine has handled every request the element sent before the call, and the
 * page has every event those requests fired right away: the engine answers requests in order, and
 * posts an event before the answer of the request that fired it. Proves that something did not
 * happen without waiting for a time.
 */
export async function engineCaughtUp(element: DesktopRecordingPlayer): Promise<void> {
  // Property changes reach the engine when the element updates.
  await element.updateComplete;
  await element.captureFrame().catch(() => undefined);
}


const metadata = (index: number, timeMs: number, type: string, code: string) => ({ index: BigInt(index), type, code, time: timestampOfMs(T0 + timeMs), clusterName: 'example' });

/**
 * 6 s, 256×128: session start (0 s), red tile (0 s), clipboard sent (1 s), green tile (2 s),
 * directory shared (3 s), a warning alert (4 s), blue tile (5 s), session end (6 s).
 */
export async function richRecording(): Promise<Uint8Array> {
  const tdp = async (step: ScreenStep) => encodeTdp((await screenMessages([step]))[0]!.message);
  const user = { user: 'alice@example.com', login: 'alice' };
  const desktop = { desktopName: 'win-dev-01', desktopAddr: '10.0.0.5:3389', domain: 'CORP', windowsUser: 'alice' };
  const events: AuditEventInit[] = [
    {
      case: 'windowsDesktopSessionStart',
      value: { metadata: metadata(0, 0, 'windows.desktop.session.start', 'TDP00I'), user, session: { sessionId: SESSION_ID }, ...desktop },
    },
    desktopRecording(1, 0, await tdp({ timeMs: 0, screen: { width: 256, height: 128 } })),
    desktopRecording(2, 0, await tdp({ timeMs: 0, tile: { left: 0, top: 0, color: RED } })),
    { case: 'desktopClipboardSend', value: { metadata: metadata(3, 1000, 'desktop.clipboard.send', 'TDP02I'), length: 42 } },
    desktopRecording(4, 2000, await tdp({ timeMs: 0, tile: { left: 0, top: 0, color: GREEN } })),
    {
      case: 'desktopSharedDirectoryStart',
      value: { metadata: metadata(5, 3000, 'desktop.directory.share', 'TDP04I'), status: { success: true }, directoryName: 'Shared', directoryId: 1 },
    },
    desktopRecording(6, 4000, encodeTdp({ kind: 'alert', message: 'Low disk space', severity: 1 })),
    desktopRecording(7, 5000, await tdp({ timeMs: 0, tile: { left: 0, top: 0, color: BLUE } })),
    {
      case: 'windowsDesktopSessionEnd',
      value: {
        metadata: metadata(8, 6000, 'windows.desktop.session.end', 'TDP01I'),
        user,
        session: { sessionId: SESSION_ID },
        ...desktop,
        participants: ['alice@example.com', 'bob@example.com'],
        recorded: true,
        startTime: timestampOfMs(T0),
        endTime: timestampOfMs(T0 + 6000),
      },
    },
  ];
  return writeRecording(events);
}

/** `minutes` long, a 64×64 tile changing colour each minute, a clipboard marker at 65 s and one at 400 s. */
export async function longRecording(minutes = 12, options: Partial<WriterOptions> = {}): Promise<Uint8Array> {
  const tdp = async (step: ScreenStep) => encodeTdp((await screenMessages([step]))[0]!.message);
  const colors = [RED, GREEN, BLUE];
  const events: AuditEventInit[] = [desktopRecording(0, 0, await tdp({ timeMs: 0, screen: { width: 128, height: 64 } }))];
  const clipboard = (timeMs: number): AuditEventInit => ({ case: 'desktopClipboardSend', value: { metadata: metadata(events.length, timeMs, 'desktop.clipboard.send', 'TDP02I'), length: 7 } });
  for (let minute = 0; minute <= minutes; minute++) {
    events.push(desktopRecording(events.length, minute * 60_000, await tdp({ timeMs: 0, tile: { left: 0, top: 0, color: colors[minute % 3]! } })));
    if (minute === 1) events.push(clipboard(65_000));
    if (minute === 6) events.push(clipboard(400_000));
  }
  return writeRecording(events, options);
}

const urls: string[] = [];

/** A `blob:` URL of the bytes, revoked by `revokeUrls()`. */
export function urlOf(bytes: Uint8Array): string {
  const url = blobUrl(bytes);
  urls.push(url);
  return url;
}

export function revokeUrls(): void {
  urls.splice(0).forEach((url) => URL.revokeObjectURL(url));
}

/** A 640 px wide player with `controls` (and the other attributes given), once the whole recording has loaded. */
export async function player(src: string, attributes: Record<string, string> = {}): Promise<DesktopRecordingPlayer> {
  const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player controls style="width: 640px"></desktop-recording-player>`);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  const loaded = nextEvent(element, 'canplaythrough');
  element.src = src;
  await loaded;
  await element.updateComplete;
  return element;
}

/** The element in the player's shadow root with this part name. */
export function part<E extends Element = HTMLElement>(element: DesktopRecordingPlayer, name: string): E {
  const found = element.shadowRoot!.querySelector<E>(`[part~='${name}']`);
  if (!found) throw new Error(`no part ${name}`);
  return found;
}

/** A keydown as a focused player would get it (on `target`, default the player); returns whether it was taken. */
export function press(target: Element, key: string): boolean {
  return !target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true }));
}

/** Presses `key` and waits for the seek it starts. */
export async function pressAndSeek(element: DesktopRecordingPlayer, key: string, target: Element = element): Promise<void> {
  const seeked = nextEvent(element, 'seeked');
  if (!press(target, key)) throw new Error(`${key} was not handled`);
  await seeked;
  await element.updateComplete;
}

/** The text the player's polite live region holds. */
export function announcement(element: DesktopRecordingPlayer): string {
  return element.shadowRoot!.querySelector('[aria-live=polite]')!.textContent!.trim();
}

/** Every text the live region is given from now on. */
export function recordAnnouncements(element: DesktopRecordingPlayer): string[] {
  const seen: string[] = [];
  const region = element.shadowRoot!.querySelector('[aria-live=polite]')!;
  new MutationObserver(() => seen.push(region.textContent!.trim())).observe(region, { childList: true, characterData: true, subtree: true });
  return seen;
}
