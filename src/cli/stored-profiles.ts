import { listProfiles } from '../storage/profile-paths.js';
import { openStore } from '../store/open-store.js';
import { RedisCredentialStore } from '../store/redis-credential-store.js';

/**
 * The profiles of the store `CLAUDE_AUTH_STORE` (or `--store`) names: the
 * token files of `directory`, or the records under a Redis store's prefix.
 *
 * @param env - The environment naming the store.
 * @param directory - The profile directory of the file store.
 */
export async function storedProfiles(env: NodeJS.ProcessEnv, directory: string): Promise<string[]> {
  const store = openStore({ env });
  return store instanceof RedisCredentialStore ? store.profiles() : listProfiles(directory);
}
