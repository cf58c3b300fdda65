import { DEFAULT_PROFILE } from '../../profile/profile-paths.js';
import { openStore } from '../../storage/open-store.js';

/**
 * The profiles of the store `CLAUDE_AUTH_STORE` (or `--store`) names, whatever
 * its backend, as the store itself lists them (DESIGN.md §6c). The store is
 * opened for the default profile: listing needs no profile, and an invalid
 * `CLAUDE_AUTH_PROFILE` must not stop `status --all`, which is how one finds a valid name.
 *
 * @param env - The environment naming the store and the storage directory.
 * @throws {@link AuthenticationError} what opening or listing the store throws
 *   (`CONFIG_INVALID`, `STORE_UNAVAILABLE`, …).
 */
export async function storedProfiles(env: NodeJS.ProcessEnv): Promise<string[]> {
  return openStore({ env, profile: DEFAULT_PROFILE }).profiles();
}
