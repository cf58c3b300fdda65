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

/** The calls of {@link FileSystem}, by name. */
const CALLS = [
  'open',
  'rename',
  'unlink',
  'mkdir',
  'rm',
  'stat',
  'lstat',
  'realpath',
  'readdir',
  'readFile',
  'utimes',
] as const satisfies readonly (keyof FileSystem)[];

/**
 * Node's own `fs/promises`, each call taken when it is used (a getter) rather
 * than at import: loading it costs a fifth of a bare `node -e 0`, and the
 * CLI's start-up answers read with synchronous calls and never need it
 * (issue 23). Enumerable, so `{ ...nodeFileSystem, open }` makes a layer.
 */
export const nodeFileSystem = Object.defineProperties(
  {},
  Object.fromEntries(CALLS.map((name) => [name, { get: () => fs[name], enumerable: true }])),
) as FileSystem;

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
