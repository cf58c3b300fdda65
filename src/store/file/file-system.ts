import { promises as fs } from 'node:fs';

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

/**
 * Node's own `fs/promises`, taken at each call rather than at import: loading
 * it costs a fifth of a bare `node -e 0`, and the CLI's start-up answers read
 * with synchronous calls and never need it (issue 23).
 */
export const nodeFileSystem: FileSystem = {
  get open() {
    return fs.open;
  },
  get rename() {
    return fs.rename;
  },
  get unlink() {
    return fs.unlink;
  },
  get mkdir() {
    return fs.mkdir;
  },
  get rm() {
    return fs.rm;
  },
  get stat() {
    return fs.stat;
  },
  get lstat() {
    return fs.lstat;
  },
  get realpath() {
    return fs.realpath;
  },
  get readdir() {
    return fs.readdir;
  },
  get readFile() {
    return fs.readFile;
  },
  get utimes() {
    return fs.utimes;
  },
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
