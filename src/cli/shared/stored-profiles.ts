import { DEFAULT_PROFILE } from '../../profile/profile-paths.js';
import { openStore } from '../../storage/open-store.js';
import type { StoreChoice } from './store-choice.js';

/**
 * The profiles of the store `CLAUDE_AUTH_STORE` (or `--store`) names, whatever
 * its backend, as the store itself lists them (DESIGN.md §6c). The store is
 * opened for the default profile: listing needs no profile, and an invalid
 * `CLAUDE_AUTH_PROFILE` must not stop `status --all`, which is how one finds a
 * valid name. Entries the store skips (a stray key under a Redis prefix) are
 * warned about on `stderr`, one line each.
 *
 * @param env - The environment naming the store and the storage directory.
 * @param choice - The store `--store` named, if any.
 * @param stderr - Where skipped entries are reported.
 * @throws {@link AuthenticationError} what opening or listing the store throws
 *   (`CONFIG_INVALID`, `STORE_UNAVAILABLE`, …).
 */
export async function storedProfiles(
  env: NodeJS.ProcessEnv,
  choice: StoreChoice,
  stderr: NodeJS.WritableStream,
): Promise<string[]> {
  return openStore({ env, profile: DEFAULT_PROFILE, ...choice }).profiles({
    onSkipped: (entry, why) => stderr.write(`claude-auth: warning: skipped ${entry} (${why}).\n`),
  });
}
