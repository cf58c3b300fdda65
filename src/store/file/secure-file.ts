import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readFileSync,
  realpathSync,
  type Stats,
  statSync,
} from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AuthErrorCode, AuthenticationError } from '../../errors/authentication-error.js';
import {
  checksPosixModes,
  type FileEnvironment,
  type FileSystem,
  nodeFileSystem,
} from './file-system.js';

const OWNER_ONLY_FILE = 0o600;
const OWNER_ONLY_DIR = 0o700;
/** A token file is a few KiB; anything past this is not one, and is not read into memory. */
export const MAX_PRIVATE_FILE_BYTES = 1024 * 1024;
/**
 * A temporary file untouched this long was left by a writer that died: a live
 * write holds its temporary file for milliseconds. Judged by age, not by pid:
 * a home shared with a container is written from another pid namespace, where
 * our pid numbers mean nothing.
 */
export const ORPHANED_TEMPORARY_AGE_MS = 10 * 60_000;
let temporaryCounter = 0;

interface Resolved {
  readonly fs: FileSystem;
  readonly posixModes: boolean;
}

function resolveEnvironment(environment: FileEnvironment): Resolved {
  return {
    fs: environment.fs ?? nodeFileSystem,
    posixModes: checksPosixModes(environment.platform ?? process.platform),
  };
}

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
 * How a private file is opened for reading. O_NONBLOCK: opening a FIFO (or a
 * device) planted at the path returns at once, so the regular-file check on the
 * descriptor refuses it instead of the open blocking every command until a
 * writer appears; on a regular file it changes nothing. O_NOFOLLOW: a link
 * swapped in after resolution is refused, not followed. (Windows has neither
 * flag; its constants are absent and add nothing.)
 */
const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;

/** The refusal of something at a token file's path that is not a regular file. */
function notRegularFile(shownPath: string, realPath: string): AuthenticationError {
  return new AuthenticationError(
    AuthErrorCode.STORAGE_CORRUPT,
    `The token file ${shownPath} is not a regular file. It has been left untouched.`,
    { fix: `move ${realPath} aside, then run \`claude-auth login\`` },
  );
}

/** What the checks of a private file read from a `stat`: the same from the sync and async calls. */
type FileInfo = Pick<Stats, 'uid' | 'mode' | 'size' | 'isFile'>;

/**
 * Checks that an open file is a regular file owned by this user, closed to
 * everyone else, and small enough to be a token file. The checks are made on
 * the open descriptor's `stat`, so the file read is the file checked.
 */
function assertPrivateFile(
  info: FileInfo,
  shownPath: string,
  realPath: string,
  env: Resolved,
): void {
  if (!info.isFile()) throw notRegularFile(shownPath, realPath);
  if (env.posixModes) {
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
  if (info.size > MAX_PRIVATE_FILE_BYTES) {
    throw new AuthenticationError(
      AuthErrorCode.STORAGE_CORRUPT,
      `The token file ${shownPath} is ${info.size} bytes, more than any token file (limit ${MAX_PRIVATE_FILE_BYTES} bytes); it was not read. It has been left untouched.`,
      { fix: `move ${realPath} aside, then run \`claude-auth login\`` },
    );
  }
}

/** The `lstat` of a path about to be read, or `null` when nothing is there. */
function inspectFailed(path: string, error: unknown): null {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
  throw ioError('inspect', path, error);
}

/** A symlink's target that cannot be resolved. */
function resolveFailed(path: string, error: unknown): never {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw insecure(
      path,
      'it is a symbolic link to a file that does not exist',
      `remove the link ${path}`,
    );
  }
  throw ioError('resolve', path, error);
}

/** Refuses a symlink into a file of another user (someone else could read or swap what we write). */
function assertOwnTarget(path: string, owner: number, env: Resolved): void {
  const uid = currentUid();
  if (env.posixModes && uid !== undefined && owner !== uid) {
    throw insecure(
      path,
      `it is a symbolic link into a file of another user (uid ${owner})`,
      `remove the link ${path}`,
    );
  }
}

/** A private file that cannot be opened: absent (`null`), swapped for a link, or an I/O error. */
function openFailed(path: string, error: unknown): null {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return null;
  if (code === 'ELOOP')
    throw insecure(path, 'it changed into a symbolic link while being read', `remove ${path}`);
  throw ioError('open', path, error);
}

/** A private file that opened but could not be read (a directory opens, then fails with EISDIR). */
function readFailed(path: string, error: unknown): never {
  if (error instanceof AuthenticationError) throw error;
  throw ioError('read', path, error);
}

/**
 * Resolves a path through symlinks, refusing a link whose target belongs to
 * another user (someone else could read or swap what we write).
 *
 * @returns The real path, or `null` when nothing exists at `path`.
 */
async function resolveOwnedTarget(path: string, env: Resolved): Promise<string | null> {
  let link: Awaited<ReturnType<FileSystem['lstat']>>;
  try {
    link = await env.fs.lstat(path);
  } catch (error) {
    return inspectFailed(path, error);
  }
  if (!link.isSymbolicLink()) return path;
  let target: string;
  try {
    target = await env.fs.realpath(path);
  } catch (error) {
    return resolveFailed(path, error);
  }
  assertOwnTarget(path, (await env.fs.stat(target)).uid, env);
  return target;
}

/**
 * The file a path stands for once every symlink is followed: the real path of
 * the file when it exists, else the real path of its directory joined with its
 * name. Two paths of one credential (a profile symlinked to another) resolve
 * to the same string, which keys the lock and the in-process refresh.
 *
 * @param path - The file, which need not exist.
 * @param environment - The file-system layer.
 */
export async function resolvedFilePath(
  path: string,
  environment: FileEnvironment = {},
): Promise<string> {
  const { fs } = resolveEnvironment(environment);
  try {
    return await fs.realpath(path);
  } catch {
    // Absent (or a dangling link): the directory's real path names where it would be created.
    try {
      return join(await fs.realpath(dirname(path)), basename(path));
    } catch {
      return path;
    }
  }
}

/**
 * Reads a private file: a regular file owned by this user with no group or
 * other permission bits (POSIX only; see {@link checksPosixModes}), at most
 * {@link MAX_PRIVATE_FILE_BYTES} long, following a symlink only into this
 * user's files.
 *
 * @param path - The file to read.
 * @param environment - The file-system layer and platform.
 * @returns Its text, or `null` when it does not exist.
 * @throws {@link AuthenticationError} `STORAGE_INSECURE` for wrong permissions or
 *   ownership; `STORAGE_CORRUPT` for a directory, other non-file or an oversized
 *   file; `STORAGE_IO`.
 */
export async function readPrivateFile(
  path: string,
  environment: FileEnvironment = {},
): Promise<string | null> {
  const env = resolveEnvironment(environment);
  const target = await resolveOwnedTarget(path, env);
  if (target === null) return null;
  let handle: FileHandle;
  try {
    // O_NOFOLLOW: a link swapped in after resolution is refused, not followed.
    handle = await env.fs.open(target, READ_FLAGS);
  } catch (error) {
    return openFailed(path, error);
  }
  try {
    assertPrivateFile(await handle.stat(), path, target, env);
    return await handle.readFile('utf8');
  } catch (error) {
    return readFailed(path, error);
  } finally {
    await handle.close();
  }
}

/**
 * {@link readPrivateFile} with synchronous calls, for the CLI's answers at
 * start-up (`claude-auth token`, `mcp headers`): the first asynchronous file
 * call starts libuv's thread pool, a tenth of a bare `node -e 0` (issue 23).
 * The same checks, in the same order, on Node's own file system (no
 * {@link FileEnvironment.fs}: a test's interposed layer is asynchronous).
 *
 * @param path - The file to read.
 * @param platform - Default `process.platform`.
 * @returns Its text, or `null` when it does not exist.
 * @throws As {@link readPrivateFile}.
 */
export function readPrivateFileSync(
  path: string,
  platform: NodeJS.Platform = process.platform,
): string | null {
  const env: Resolved = { fs: nodeFileSystem, posixModes: checksPosixModes(platform) };
  let link: Stats;
  try {
    link = lstatSync(path);
  } catch (error) {
    return inspectFailed(path, error);
  }
  let target = path;
  if (link.isSymbolicLink()) {
    try {
      target = realpathSync.native(path);
    } catch (error) {
      resolveFailed(path, error);
    }
    assertOwnTarget(path, statSync(target).uid, env);
  }
  let fd: number;
  try {
    fd = openSync(target, READ_FLAGS);
  } catch (error) {
    return openFailed(path, error);
  }
  try {
    assertPrivateFile(fstatSync(fd), path, target, env);
    return readFileSync(fd, 'utf8');
  } catch (error) {
    return readFailed(path, error);
  } finally {
    closeSync(fd);
  }
}

/**
 * A fingerprint of whatever is stored at `path` (device, inode, size, change
 * time), readable or not: what identifies a record that cannot be parsed.
 *
 * @returns `null` when nothing is there.
 */
export async function fileFingerprint(
  path: string,
  environment: FileEnvironment = {},
): Promise<string | null> {
  const { fs } = resolveEnvironment(environment);
  try {
    const info = await fs.stat(path, { bigint: true });
    return `${info.dev}.${info.ino}.${info.size}.${info.mtimeNs}.${info.ctimeNs}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw ioError('inspect', path, error);
  }
}

async function ensurePrivateDirectory(directory: string, env: Resolved): Promise<void> {
  try {
    await env.fs.mkdir(directory, { recursive: true, mode: OWNER_ONLY_DIR });
  } catch (error) {
    throw ioError('create the directory', directory, error);
  }
  if (!env.posixModes) return;
  const info = await env.fs.stat(directory);
  if ((info.mode & 0o022) !== 0) {
    // Anyone who can write the directory can replace the token file.
    throw insecure(directory, 'other users can write to this directory', `chmod 700 ${directory}`);
  }
}

async function fsyncDirectory(directory: string, env: Resolved): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await env.fs.open(directory, constants.O_RDONLY);
  } catch (error) {
    // Windows cannot open a directory for fsync (EISDIR/EPERM); NTFS journals the rename itself.
    if (!env.posixModes && isDirectorySyncRefusal(error)) return;
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    if (!env.posixModes && isDirectorySyncRefusal(error)) return;
    throw error;
  } finally {
    await handle.close();
  }
}

function isDirectorySyncRefusal(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EPERM' || code === 'EISDIR' || code === 'EACCES';
}

/**
 * Writes a private file atomically: a unique temporary file created with mode
 * 0600 (never wider, at no moment; `O_EXCL | O_NOFOLLOW`, so neither a file
 * nor a symlink planted at its name is ever written through), written and
 * fsynced, renamed over the target, and the directory fsynced, so a crash at
 * any point leaves either the old or the new contents. The directory is
 * created 0700 when missing. A symlink at `path` is followed into this user's
 * files and kept.
 *
 * @param path - The file to write.
 * @param contents - Its new contents.
 * @param environment - The file-system layer and platform.
 * @param beforeRename - Called after the fsync, right before the rename: the
 *   last moment a writer can find it must not write (a lease lost); it throws then.
 * @throws {@link AuthenticationError} `STORAGE_INSECURE` or `STORAGE_IO`, or what
 *   `beforeRename` throws; the target is unchanged then.
 */
export async function writePrivateFileAtomic(
  path: string,
  contents: string,
  environment: FileEnvironment = {},
  beforeRename?: () => Promise<void>,
): Promise<void> {
  const env = resolveEnvironment(environment);
  await ensurePrivateDirectory(dirname(path), env);
  const target = (await resolveOwnedTarget(path, env)) ?? path;
  const directory = dirname(target);
  // Unique per process and write; O_EXCL below makes a collision an error, never a shared file.
  temporaryCounter += 1;
  const temporary = join(
    directory,
    `.${basename(target)}.${process.pid}.${temporaryCounter}.${Date.now().toString(36)}.tmp`,
  );
  let handle: FileHandle | undefined;
  let created = false;
  let refusal: unknown;
  try {
    handle = await env.fs.open(
      temporary,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      OWNER_ONLY_FILE,
    );
    created = true;
    await handle.writeFile(contents, 'utf8');
    await handle.sync();
    await handle.close();
    handle = undefined;
    await beforeRename?.().catch((error: unknown) => {
      refusal = error;
      throw error;
    });
    await env.fs.rename(temporary, target);
    created = false;
    await fsyncDirectory(directory, env);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    // Only a file this write created is removed: a name someone planted is left for them.
    if (created) await env.fs.unlink(temporary).catch(() => undefined);
    if (error === refusal || error instanceof AuthenticationError) throw error;
    throw ioError('write', path, error);
  }
  await removeOrphanedTemporaries(directory, basename(target), env);
}

/**
 * Removes temporary files a killed writer left beside `name`, judged by age
 * ({@link ORPHANED_TEMPORARY_AGE_MS}). Best effort: a failure here never fails the write.
 */
async function removeOrphanedTemporaries(
  directory: string,
  name: string,
  env: Resolved,
): Promise<void> {
  const prefix = `.${name}.`;
  try {
    for (const entry of await env.fs.readdir(directory)) {
      if (!entry.startsWith(prefix) || !entry.endsWith('.tmp')) continue;
      const path = join(directory, entry);
      const info = await env.fs.lstat(path).catch(() => undefined);
      if (info?.isFile() && Date.now() - info.mtimeMs > ORPHANED_TEMPORARY_AGE_MS) {
        await env.fs.unlink(path).catch(() => undefined);
      }
    }
  } catch {
    // The directory cannot be listed; the orphans stay, harmless and private.
  }
}

/**
 * Deletes a private file; through a symlink, deletes the file it points to
 * and then the link, so the credential itself is gone.
 *
 * @param path - The file to delete.
 * @param environment - The file-system layer and platform.
 * @returns Whether there was one.
 * @throws {@link AuthenticationError} `STORAGE_INSECURE` (a link into another
 *   user's file is left alone) or `STORAGE_IO`.
 */
export async function deletePrivateFile(
  path: string,
  environment: FileEnvironment = {},
): Promise<boolean> {
  const env = resolveEnvironment(environment);
  const link = await env.fs.lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw ioError('inspect', path, error);
  });
  if (link === null) return false;
  // A dangling link is removed on its own: nothing of ours is behind it.
  const dangling =
    link.isSymbolicLink() &&
    (await env.fs.stat(path).then(
      () => false,
      () => true,
    ));
  const target = dangling ? path : ((await resolveOwnedTarget(path, env)) ?? path);
  try {
    await env.fs.unlink(target);
    if (target !== path) await env.fs.unlink(path).catch(() => undefined);
    await fsyncDirectory(dirname(target), env);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new AuthenticationError(AuthErrorCode.STORAGE_IO, `Could not delete ${path}.`, {
      cause: error,
      fix: `rm ${path}`,
    });
  }
}

/**
 * Copies a file aside under a new name, privately (0600), without touching the original.
 *
 * @param path - The file to copy.
 * @param copyPath - Where the copy goes; must not exist yet.
 * @param environment - The file-system layer.
 * @throws {@link AuthenticationError} `STORAGE_CORRUPT` when `path` is not a regular
 *   file (a FIFO is refused at once, never waited on); the file system's error otherwise.
 */
export async function copyPrivateFile(
  path: string,
  copyPath: string,
  environment: FileEnvironment = {},
): Promise<void> {
  const { fs } = resolveEnvironment(environment);
  const source = await fs.open(path, READ_FLAGS);
  try {
    if (!(await source.stat()).isFile()) throw notRegularFile(path, path);
    const bytes = await source.readFile();
    const copy = await fs.open(
      copyPath,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
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
