/** Pure helpers for time in the UI: clock labels, spoken durations, and parsing start positions. */

/** "1:05", "12:00", "1:02:03"; "0:00" for anything not a finite time. */
export function formatClock(seconds: number): string {
  const whole = Number.isFinite(seconds) ? Math.max(0, Math.floor(seconds)) : 0;
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = String(whole % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${secs}` : `${minutes}:${secs}`;
}

/** "1 minute 5 seconds", "2 hours 3 seconds", "0 seconds": a duration as a screen reader should say it. */
export function describeDuration(seconds: number): string {
  const whole = Number.isFinite(seconds) ? Math.max(0, Math.floor(seconds)) : 0;
  const parts: string[] = [];
  const units: Array<[number, string]> = [
    [Math.floor(whole / 3600), 'hour'],
    [Math.floor((whole % 3600) / 60), 'minute'],
    [whole % 60, 'second'],
  ];
  for (const [count, unit] of units) if (count > 0) parts.push(`${count} ${unit}${count === 1 ? '' : 's'}`);
  return parts.length ? parts.join(' ') : '0 seconds';
}

/** The seek slider's `aria-valuetext`: "1 minute 5 seconds of 2 minutes 30 seconds". */
export function describePosition(currentSeconds: number, durationSeconds: number): string {
  if (!Number.isFinite(durationSeconds)) return describeDuration(currentSeconds);
  return `${describeDuration(currentSeconds)} of ${describeDuration(durationSeconds)}`;
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
