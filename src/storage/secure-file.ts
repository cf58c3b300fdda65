import { constants } from 'node:fs';
import {
  type FileHandle,
  lstat,
  mkdir,
  open,
  readdir,
  realpath,
  rename,
  stat,
  unlink,
} from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';

const OWNER_ONLY_FILE = 0o600;
/** A token file is a few KiB; anything past this is not one, and is not read into memory. */
export const MAX_PRIVATE_FILE_BYTES = 1024 * 1024;
let temporaryCounter = 0;
const OWNER_ONLY_DIR = 0o700;

function currentUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

function ioError(action: string, path: string, cause: unknown): AuthenticationError {
  const reason = (cause as NodeJS.ErrnoException).code ?? 'unknown error';
  return new AuthenticationError(
    AuthErrorCode.STORAGE_IO,
    `Could not ${action} ${path} (${reason}).`,
    {
      cause,
      fix: `check that ${dirname(path)} exists and belongs to you`,
    },
  );
}

function insecure(path: string, problem: string, fix: string): AuthenticationError {
  return new AuthenticationError(
    AuthErrorCode.STORAGE_INSECURE,
    `Refusing to use ${path}: ${problem}. It has been left untouched.`,
    { fix },
  );
}

/**
 * Checks that an open file is a regular file owned by this user and closed to
 * everyone else. The checks are made on the open descriptor, so the file read
 * is the file checked.
 */
async function assertPrivateFile(
  handle: FileHandle,
  shownPath: string,
  realPath: string,
): Promise<void> {
  const info = await handle.stat();
  if (!info.isFile()) {
    throw new AuthenticationError(
      AuthErrorCode.STORAGE_CORRUPT,
      `The token file ${shownPath} is not a regular file. It has been left untouched.`,
      { fix: `move ${realPath} aside, then run \`claude-auth login\`` },
    );
  }
  const uid = currentUid();
  if (uid !== undefined && info.uid !== uid) {
    throw insecure(
      shownPath,
      `it belongs to another user (uid ${info.uid})`,
      `remove ${shownPath} and log in again`,
    );
  }
  if ((info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8);
    throw insecure(
      shownPath,
      `its permissions (${mode}) let other users read or change it`,
      `chmod 600 ${realPath}`,
    );
  }
}

/**
 * Resolves a path through symlinks, refusing a link whose target belongs to
 * another user (someone else could read or swap what we write).
 *
 * @returns The real path, or `null` when nothing exists at `path`.
 */
async function resolveOwnedTarget(path: string): Promise<string | null> {
  let link: Awaited<ReturnType<typeof lstat>>;
  try {
    link = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw ioError('inspect', path, error);
  }
  if (!link.isSymbolicLink()) return path;
  let target: string;
  try {
    target = await realpath(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw insecure(
        path,
        'it is a symbolic link to a file that does not exist',
        `remove the link ${path}`,
      );
    }
    throw ioError('resolve', path, error);
  }
  const uid = currentUid();
  const owner = (await stat(target)).uid;
  if (uid !== undefined && owner !== uid) {
    throw insecure(
      path,
      `it is a symbolic link into a file of another user (uid ${owner})`,
      `remove the link ${path}`,
    );
  }
  return target;
}

/**
 * Reads a private file: a regular file owned by this user with no group or
 * other permission bits, following a symlink only into this user's files.
 *
 * @param path - The file to read.
 * @returns Its text, or `null` when it does not exist.
 * @throws {@link AuthenticationError} `STORAGE_INSECURE` for wrong permissions or
 *   ownership; `STORAGE_CORRUPT` for a directory or other non-file; `STORAGE_IO`.
 */
export async function readPrivateFile(path: string): Promise<string | null> {
  const target = await resolveOwnedTarget(path);
  if (target === null) return null;
  let handle: FileHandle;
  try {
    // O_NOFOLLOW: a link swapped in after resolution is refused, not followed.
    handle = await open(target, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP')
      throw insecure(path, 'it changed into a symbolic link while being read', `remove ${path}`);
    throw ioError('open', path, error);
  }
  try {
    await assertPrivateFile(handle, path, target);
    return await handle.readFile('utf8');
  } catch (error) {
    if (error instanceof AuthenticationError) throw error;
    // Opening a directory succeeds; reading it fails with EISDIR.
    throw ioError('read', path, error);
  } finally {
    await handle.close();
  }
}

async function ensurePrivateDirectory(directory: string): Promise<void> {
  try {
    await mkdir(directory, { recursive: true, mode: OWNER_ONLY_DIR });
  } catch (error) {
    throw ioError('create the directory', directory, error);
  }
  const info = await stat(directory);
  if ((info.mode & 0o022) !== 0) {
    // Anyone who can write the directory can replace the token file.
    throw insecure(directory, 'other users can write to this directory', `chmod 700 ${directory}`);
  }
}

async function fsyncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes a private file atomically: a unique temporary file created with mode
 * 0600 (never wider, at no moment), written and fsynced, renamed over the
 * target, and the directory fsynced, so a crash at any point leaves either
 * the old or the new contents. The directory is created 0700 when missing.
 * A symlink at `path` is followed into this user's files and kept.
 *
 * @param path - The file to write.
 * @param contents - Its new contents.
 * @throws {@link AuthenticationError} `STORAGE_INSECURE` or `STORAGE_IO`.
 */
export async function writePrivateFileAtomic(path: string, contents: string): Promise<void> {
  await ensurePrivateDirectory(dirname(path));
  const target = (await resolveOwnedTarget(path)) ?? path;
  const directory = dirname(target);
  // Unique per process and write; O_EXCL below makes a collision an error, never a shared file.
  temporaryCounter += 1;
  const temporary = join(
    directory,
    `.${basename(target)}.${process.pid}.${temporaryCounter}.${Date.now().toString(36)}.tmp`,
  );
  let handle: FileHandle | undefined;
  try {
    handle = await open(
      temporary,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      OWNER_ONLY_FILE,
    );
    await handle.writeFile(contents, 'utf8');
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temporary, target);
    await fsyncDirectory(directory);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(temporary).catch(() => undefined);
    throw ioError('write', path, error);
  }
  await removeOrphanedTemporaries(directory, basename(target));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temporary files a killed writer left beside `name` (its temp file
 * names carry its pid). Best effort: a failure here never fails the write.
 */
async function removeOrphanedTemporaries(directory: string, name: string): Promise<void> {
  const prefix = `.${name}.`;
  try {
    for (const entry of await readdir(directory)) {
      if (!entry.startsWith(prefix) || !entry.endsWith('.tmp')) continue;
      const pid = Number(entry.slice(prefix.length).split('.')[0]);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !isAlive(pid)) {
        await unlink(join(directory, entry)).catch(() => undefined);
      }
    }
  } catch {
    // The directory cannot be listed; the orphans stay, harmless and private.
  }
}

/**
 * Copies a file aside under a new name, privately (0600), without touching the original.
 *
 * @param path - The file to copy.
 * @param copyPath - Where the copy goes; must not exist yet.
 */
export async function copyPrivateFile(path: string, copyPath: string): Promise<void> {
  const source = await open(path, constants.O_RDONLY);
  try {
    const bytes = await source.readFile();
    const copy = await open(
      copyPath,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
      OWNER_ONLY_FILE,
    );
    try {
      await copy.writeFile(bytes);
      await copy.sync();
    } finally {
      await copy.close();
    }
  } finally {
    await source.close();
  }
}
