import module from 'node:module';
import { isAbsolute, join } from 'node:path';

/** `module.enableCompileCache` (Node ≥ 22.1; Node 20 has neither the function nor its type). */
type EnableCompileCache = (directory?: string) => unknown;

/**
 * Where the CLI keeps Node's compile cache: `$XDG_CACHE_HOME/claude-auth/compile-cache`
 * (default `~/.cache/…`). A per-user directory rather than Node's default in the
 * shared `os.tmpdir()`: code cache another user could have planted there is not
 * something a credential tool should load. For the same reason a relative base
 * is never used (the XDG spec ignores a relative `XDG_CACHE_HOME`; `HOME=`
 * makes `os.homedir()` empty): it would be the current directory, anyone's.
 * The home is `$HOME` alone, not `os.homedir()` or `homeDirectory()`: this
 * module is the bin's entry, which must load no module of ours (they would be
 * compiled before the cache is on) and not `node:os` (2 % of start-up); an
 * account without `$HOME` only goes without the cache.
 *
 * @param env - The environment (default `process.env`).
 * @param home - The home directory (default `$HOME`).
 * @returns The directory, or `undefined` when no absolute base exists (no cache then).
 */
export function compileCacheDirectory(
  env: NodeJS.ProcessEnv = process.env,
  home: string = env.HOME ?? '',
): string | undefined {
  const xdg = env.XDG_CACHE_HOME;
  const base =
    xdg !== undefined && isAbsolute(xdg)
      ? xdg
      : isAbsolute(home)
        ? join(home, '.cache')
        : undefined;
  return base === undefined ? undefined : join(base, 'claude-auth', 'compile-cache');
}

/**
 * Turns on Node's on-disk compile cache for the modules the CLI loads next, so
 * that `token`, `status` and the like, run once per request, skip compiling
 * them again. A no-op on Node 20 (no compile cache), without an absolute cache
 * directory, when
 * `NODE_DISABLE_COMPILE_CACHE` is set, or when `NODE_COMPILE_CACHE` already
 * chose a directory (Node then enabled it at start-up). Never throws: a cache
 * that cannot be written only costs the compile.
 *
 * @param env - The environment (default `process.env`).
 * @see https://nodejs.org/api/module.html#moduleenablecompilecachecachedir
 */
export function enableCliCompileCache(env: NodeJS.ProcessEnv = process.env): void {
  const enable = (module as { enableCompileCache?: EnableCompileCache }).enableCompileCache;
  const directory = compileCacheDirectory(env);
  if (enable === undefined || directory === undefined) return;
  try {
    enable(directory);
  } catch {
    // An unwritable home: the CLI works the same, only without the cache.
  }
}
