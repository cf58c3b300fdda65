/**
 * `os.homedir()`, without loading `node:os` when `$HOME` gives the answer:
 * libuv (`uv_os_homedir`) returns a non-empty `$HOME` as it is on POSIX, so
 * this is the same value; otherwise (no `$HOME`, an empty one, Windows, where
 * `USERPROFILE` decides) it asks `os.homedir()` itself. `node:os` is not in
 * Node's start-up snapshot, and every command needs the home (issue 23).
 *
 * @returns What `os.homedir()` returns.
 */
export function osHomeDirectory(): string {
  const home = process.env.HOME;
  if (process.platform !== 'win32' && home !== undefined && home !== '') return home;
  return process.getBuiltinModule('node:os').homedir();
}
