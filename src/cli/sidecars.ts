/**
 * The sidecars of a recording that `desktop-recording serve` advertises and sends: its text index
 * (`<name>.text.json`, from `desktop-recording index`) and its review notes (`<name>.review.json`,
 * saved by the player), beside `<name>.tar` in the folder — or named after the recording's session
 * id, as the player saves review notes. They are sent with the same protections as recordings
 * (see files.ts): regular files whose real path lies inside the folder.
 */
import { FileRefusal, openInside, opens, type OpenedFile } from './files.js';

/** The kinds of sidecar, as the recordings list names their URLs, and their file name endings. */
export const SIDECAR_SUFFIXES = { textIndex: '.text.json', reviewNotes: '.review.json' } as const;
export type SidecarKind = keyof typeof SIDECAR_SUFFIXES;
export type SidecarUrls = Partial<Record<SidecarKind, string>>;

const SUFFIXES = Object.values(SIDECAR_SUFFIXES);

/** Whether `name` is a sidecar the server may send: `<stem>.text.json` or `<stem>.review.json` directly in the folder. */
export function isSidecarName(name: string): boolean {
  return SUFFIXES.some((suffix) => name.endsWith(suffix) && name.length > suffix.length) && !/[/\\\0]/.test(name) && !name.startsWith('.');
}

/** Opens the sidecar `name` in `dir` (see isSidecarName and openInside). */
export function openSidecar(dir: string, name: string): Promise<OpenedFile> {
  if (!isSidecarName(name)) return Promise.reject(new FileRefusal(404, 'not found'));
  return openInside(dir, name);
}

/**
 * The URLs of the sidecars of recording `file` (session `sessionId`) among `names` (the folder's
 * entries): `<stem>.<kind>` first, else `<sessionId>.<kind>`; only those that open as regular files
 * inside the folder.
 */
export async function sidecarsOf(dir: string, names: ReadonlySet<string>, file: string, sessionId: string): Promise<SidecarUrls> {
  const stems = [...new Set([file.replace(/\.tar$/, ''), sessionId])];
  const urls: SidecarUrls = {};
  for (const [kind, suffix] of Object.entries(SIDECAR_SUFFIXES) as Array<[SidecarKind, string]>) {
    for (const stem of stems) {
      const name = `${stem}${suffix}`;
      if (!names.has(name) || !(await opens(openSidecar(dir, name)))) continue;
      urls[kind] = `/recordings/${encodeURIComponent(name)}`;
      break;
    }
  }
  return urls;
}
