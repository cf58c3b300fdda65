import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import { type ProfileOptions, resolveProfile } from '../profile/profile-paths.js';
import { chooseBackend, ENV_STORE } from '../store/backend-choice.js';
import type { CredentialStore } from '../store/credential-store.js';
import type { FileLockOptions } from '../store/file/file-lock.js';
import { openKeychainStore } from '../store/keychain/keychain-store.js';
import { RedisCredentialStore } from '../store/redis/redis-credential-store.js';
import { AutoSelectedStore } from './auto-selected-store.js';
import { fileBackendReason, openFileStore } from './store-backend.js';

export { ENV_STORE } from '../store/backend-choice.js';

/** Options that open a profile's store (`TokenStorage.forProfile`): the profile, and the backend. */
export interface OpenStoreOptions extends ProfileOptions {
  /**
   * The backend: `file` (default), `redis://…` or `rediss://…` (a shared Redis or
   * Valkey; the README's "Fleets"), `keychain` (the OS keychain) or `auto`
   * (the keychain if a probe succeeds, else the file). Default `$CLAUDE_AUTH_STORE`.
   */
  store?: string;
  /**
   * What named {@link OpenStoreOptions.store}, for the messages that say why this
   * backend (`chosen by <storeSource>=…`) and what to change: the CLI passes
   * `--store`. Default `the store option`.
   */
  storeSource?: string;
  /** The file backend's lock bounds. */
  lock?: FileLockOptions;
}

/**
 * Opens the store of a profile's credential, choosing the backend from the
 * option or `CLAUDE_AUTH_STORE`, and recording why (shown by `status` through
 * {@link CredentialStore.describe}). The value is never echoed: a Redis URL
 * may hold a password (`describe()` shows the address without it).
 *
 * @param options - See {@link OpenStoreOptions}.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` for an unknown or
 *   unavailable backend, or an invalid profile name; `STORE_UNAVAILABLE` for an
 *   explicit `keychain` that cannot be reached (Linux without a D-Bus session).
 */
export function openStore(options: OpenStoreOptions = {}): CredentialStore {
  const env = options.env ?? process.env;
  const location = resolveProfile(options);
  const choice = chooseBackend(options);
  const { from } = choice;
  switch (choice.kind) {
    case 'file':
      return openFileStore(location, fileBackendReason(choice), options.lock);
    case 'redis':
      return new RedisCredentialStore({
        url: choice.given,
        profile: location.profile,
        env,
        chosenBy: from,
      });
    case 'keychain':
      return openKeychainStore({ ...options, source: from });
    case 'auto':
      return new AutoSelectedStore({
        ...options,
        // The keychain store resolves the location again: a credential's own name is no profile name.
        profile: options.credential === undefined ? location.profile : (options.profile ?? ''),
        source: from,
        openFile: (reason) => openFileStore(location, reason, options.lock),
      });
    default:
      throw new AuthenticationError(
        AuthErrorCode.CONFIG_INVALID,
        `${from} names no credential store claude-auth knows (expected file, redis://…, rediss://…, keychain or auto).`,
        {
          fix: choice.fromOption
            ? `give ${from} one of file, keychain, auto or redis://host[:port][/db]`
            : `unset ${ENV_STORE} to use the file store`,
        },
      );
  }
}
