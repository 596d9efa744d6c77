/** Pure helpers for time in the UI: clock labels, spoken durations, and parsing start positions. */
import { en, fill, type Strings } from './strings.js';

const pad = (value: number): string => String(value).padStart(2, '0');

/** "1:05", "12:00", "1:02:03"; "0:00" for anything not a finite time. */
export function formatClock(seconds: number): string {
  const whole = Number.isFinite(seconds) ? Math.max(0, Math.floor(seconds)) : 0;
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(whole % 60)}` : `${minutes}:${pad(whole % 60)}`;
}

/** "1 minute 5 seconds", "2 hours 3 seconds", "0 seconds": a duration as a screen reader should say it. */
export function describeDuration(seconds: number, s: Strings = en): string {
  const whole = Number.isFinite(seconds) ? Math.max(0, Math.floor(seconds)) : 0;
  const parts: string[] = [];
  const units: Array<[number, string, string]> = [
    [Math.floor(whole / 3600), s.hour, s.hours],
    [Math.floor((whole % 3600) / 60), s.minute, s.minutes],
    [whole % 60, s.second, s.seconds],
  ];
  for (const [count, one, many] of units) if (count > 0) parts.push(`${count} ${count === 1 ? one : many}`);
  return parts.join(' ') || `0 ${s.seconds}`;
}

/** The seek slider's `aria-valuetext`: "1 minute 5 seconds of 2 minutes 30 seconds". */
export function describePosition(currentSeconds: number, durationSeconds: number, s: Strings = en): string {
  if (!Number.isFinite(durationSeconds)) return describeDuration(currentSeconds, s);
  return fill(s.of, describeDuration(currentSeconds, s), describeDuration(durationSeconds, s));
}

/** The viewer's local time of day with its offset: "14:03:12 UTC+1", "09:30:00 UTC", "20:00:00 UTC+5:30". */
export function formatWallClock(unixMs: number): string {
  const date = new Date(unixMs);
  const offset = -date.getTimezoneOffset();
  const abs = Math.abs(offset);
  const zone = offset ? `UTC${offset > 0 ? '+' : '-'}${Math.floor(abs / 60)}${abs % 60 ? `:${pad(abs % 60)}` : ''}` : 'UTC';
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${zone}`;
}

/** A position for file names: 65.4 → "00-01-05". */
export function fileStamp(seconds: number): string {
  const whole = Number.isFinite(seconds) ? Math.max(0, Math.floor(seconds)) : 0;
  return [whole / 3600, (whole % 3600) / 60, whole % 60].map((n) => pad(Math.floor(n))).join('-');
}

/** Seconds from "90", "90.5", "1:30", "01:02:03"; undefined for anything else. */
export function parseTimeOffset(value: string | number | null | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const text = value?.trim();
  if (!text) return undefined;
  const match = /^(?:(?:(\d+):)?(\d{1,2}):)?(\d+(?:\.\d*)?)$/.exec(text);
  if (!match) return undefined;
  const [, hours, minutes, secs] = match;
  if ((hours !== undefined || minutes !== undefined) && Number(secs) >= 60) return undefined;
  return Number(hours ?? 0) * 3600 + Number(minutes ?? 0) * 60 + Number(secs);
}

/** The start of a media fragment `#t=90`, `#t=1:30`, `#t=npt:90,120`; undefined when the URL has none. */
export function mediaFragmentStart(url: string): number | undefined {
  const hash = url.indexOf('#');
  if (hash < 0) return undefined;
  for (const pair of url.slice(hash + 1).split('&')) {
    const [name, value] = pair.split('=', 2);
    if (name !== 't' || value === undefined) continue;
    const start = decodeURIComponent(value).replace(/^npt:/, '').split(',')[0];
    return parseTimeOffset(start);
  }
  return undefined;
}
