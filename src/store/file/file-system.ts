import * as fs from 'node:fs/promises';

/**
 * The file-system calls the private-file and lock code makes, so a test can
 * observe their order (an fsync before the rename) or interpose on one (plant
 * a file at the temporary name between its choice and its creation).
 * Production code uses {@link nodeFileSystem}.
 */
export type FileSystem = Pick<
  typeof fs,
  | 'open'
  | 'rename'
  | 'unlink'
  | 'mkdir'
  | 'rm'
  | 'stat'
  | 'lstat'
  | 'realpath'
  | 'readdir'
  | 'readFile'
  | 'utimes'
>;

/** Node's own `fs/promises`. */
export const nodeFileSystem: FileSystem = {
  open: fs.open,
  rename: fs.rename,
  unlink: fs.unlink,
  mkdir: fs.mkdir,
  rm: fs.rm,
  stat: fs.stat,
  lstat: fs.lstat,
  realpath: fs.realpath,
  readdir: fs.readdir,
  readFile: fs.readFile,
  utimes: fs.utimes,
};

/**
 * Where private files live and how they are checked there: the file-system
 * layer and the platform (Windows has no POSIX modes: SECURITY.md says what it gets instead).
 */
export interface FileEnvironment {
  /** Default {@link nodeFileSystem}. */
  fs?: FileSystem;
  /** Default `process.platform`. */
  platform?: NodeJS.Platform;
}

/**
 * Whether POSIX permission bits mean anything on `platform`. On Windows libuv
 * reports 0666 for every writable file and `chmod` changes only the read-only
 * bit, so a mode check would refuse every token file; privacy there rests on
 * the profile directory's ACL (under the user's profile, closed to other
 * users by default), as SECURITY.md records.
 */
export function checksPosixModes(platform: NodeJS.Platform): boolean {
  return platform !== 'win32';
}
