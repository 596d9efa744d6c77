/**
 * Opening the files the recordings server sends, so that no request can reach outside its folder
 * or take the process down: the real path (symlinks resolved) must lie inside the folder, the file
 * is opened without following a last symlink and without blocking (a FIFO would hang a thread
 * otherwise), and what is opened must be a regular file, checked on the open handle itself, so a
 * file replaced or removed in between is never read.
 */
import { constants, type Stats } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import { resolve, sep } from 'node:path';

export interface OpenedFile {
  handle: FileHandle;
  info: Stats;
  /** The real path. */
  path: string;
}

/** Why a file is not sent: 404 (not there, not a regular file, outside the folder) or 500 (it cannot be read). */
export class FileRefusal extends Error {
  constructor(readonly status: 404 | 500, message: string) {
    super(message);
  }
}

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const MISSING = new Set(['ENOENT', 'ENOTDIR', 'ELOOP', 'ENAMETOOLONG', 'EINVAL']);

/** Opens `name` inside `dir` when it is a regular file whose real path lies inside `dir`; throws a FileRefusal otherwise. */
export async function openInside(dir: string, name: string): Promise<OpenedFile> {
  if (name.includes('\0')) throw new FileRefusal(404, 'not found');
  let path: string;
  try {
    const realDir = await realpath(dir);
    const lexical = resolve(dir, name);
    if (!lexical.startsWith(resolve(dir) + sep)) throw new FileRefusal(404, 'not found');
    path = await realpath(lexical);
    if (!path.startsWith(realDir + sep)) throw new FileRefusal(404, 'not found');
  } catch (error) {
    throw refusal(error);
  }
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    throw refusal(error);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new FileRefusal(404, 'not found');
    return { handle, info, path };
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw refusal(error);
  }
}

/** Whether `name` is a recording the server may send: a `<name>.tar` directly in `dir`, a regular file inside it. */
export function isRecordingName(name: string): boolean {
  return name.endsWith('.tar') && name.length > 4 && !/[/\\\0]/.test(name) && name !== '..';
}

/** Opens the recording `name` in `dir` (see isRecordingName and openInside). */
export function openRecording(dir: string, name: string): Promise<OpenedFile> {
  if (!isRecordingName(name)) return Promise.reject(new FileRefusal(404, 'not found'));
  return openInside(dir, name);
}

/** Whether the recording `name` can be opened now. */
export function recordingExists(dir: string, name: string): Promise<boolean> {
  return opens(openRecording(dir, name));
}

/** Whether `opening` succeeds (the file is closed again at once). */
export async function opens(opening: Promise<OpenedFile>): Promise<boolean> {
  try {
    const { handle } = await opening;
    await handle.close();
    return true;
  } catch {
    return false;
  }
}

function refusal(error: unknown): FileRefusal {
  if (error instanceof FileRefusal) return error;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return MISSING.has(code) ? new FileRefusal(404, 'not found') : new FileRefusal(500, `the file cannot be read (${code || 'error'})`);
}
