import module from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `module.enableCompileCache` (Node ≥ 22.1; Node 20 has neither the function nor its type). */
type EnableCompileCache = (directory?: string) => unknown;

/**
 * Where the CLI keeps Node's compile cache: `$XDG_CACHE_HOME/claude-auth/compile-cache`
 * (default `~/.cache/…`). A per-user directory rather than Node's default in the
 * shared `os.tmpdir()`: code cache another user could have planted there is not
 * something a credential tool should load.
 *
 * @param env - The environment (default `process.env`).
 * @returns The directory.
 */
export function compileCacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME;
  return join(
    base !== undefined && base !== '' ? base : join(homedir(), '.cache'),
    'claude-auth',
    'compile-cache',
  );
}

/**
 * Turns on Node's on-disk compile cache for the modules the CLI loads next, so
 * that `token`, `status` and the like, run once per request, skip compiling
 * them again. A no-op on Node 20 (no compile cache), when
 * `NODE_DISABLE_COMPILE_CACHE` is set, or when `NODE_COMPILE_CACHE` already
 * chose a directory (Node then enabled it at start-up). Never throws: a cache
 * that cannot be written only costs the compile.
 *
 * @param env - The environment (default `process.env`).
 * @see https://nodejs.org/api/module.html#moduleenablecompilecachecachedir
 */
export function enableCliCompileCache(env: NodeJS.ProcessEnv = process.env): void {
  const enable = (module as { enableCompileCache?: EnableCompileCache }).enableCompileCache;
  if (enable === undefined) return;
  try {
    enable(compileCacheDirectory(env));
  } catch {
    // An unwritable home: the CLI works the same, only without the cache.
  }
}
