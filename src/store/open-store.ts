import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import type { FileLockOptions } from '../storage/file-lock.js';
import { type ProfileOptions, resolveProfile } from '../storage/profile-paths.js';
import type { CredentialStore } from './credential-store.js';
import { FileCredentialStore } from './file-credential-store.js';

/** Environment variable choosing where credentials are stored (`file`, default). */
export const ENV_STORE = 'CLAUDE_AUTH_STORE';

/** Options for {@link openStore}: the profile, and the backend. */
export interface OpenStoreOptions extends ProfileOptions {
  /**
   * The backend: `file` (default). `redis://…`, `rediss://…`, `keychain` and
   * `auto` are reserved for the backends of DESIGN.md §6a. Default `$CLAUDE_AUTH_STORE`.
   */
  store?: string;
  /** The file backend's lock bounds. */
  lock?: FileLockOptions;
}

function notAvailable(shown: string, from: string): AuthenticationError {
  return new AuthenticationError(
    AuthErrorCode.CONFIG_INVALID,
    `The ${shown} credential store (${from}) is not available in this version of claude-auth.`,
    { fix: `unset ${ENV_STORE} to use the file store` },
  );
}

/**
 * Opens the store of a profile's credential, choosing the backend from the
 * option or `CLAUDE_AUTH_STORE`, and recording why (shown by `status` through
 * {@link CredentialStore.describe}). The value is never echoed: a Redis URL
 * may hold a password.
 *
 * @param options - See {@link OpenStoreOptions}.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` for an unknown or
 *   unavailable backend, or an invalid profile name.
 */
export function openStore(options: OpenStoreOptions = {}): CredentialStore {
  const env = options.env ?? process.env;
  const location = resolveProfile(options);
  const fromOption = options.store !== undefined;
  const given = (fromOption ? options.store : env[ENV_STORE])?.trim() ?? '';
  const choice = given || 'file';
  const from = fromOption ? 'the store option' : ENV_STORE;
  const scheme = choice.includes('://') ? `${choice.slice(0, choice.indexOf('://'))}://` : choice;
  switch (scheme) {
    case 'file':
      return new FileCredentialStore({
        path: location.path,
        profile: location.profile,
        reason: given === '' ? 'the default backend' : `chosen by ${from}=file`,
        ...(options.lock !== undefined && { lock: options.lock }),
      });
    // The backends of DESIGN.md §6a plug in here (branches redis and keychain).
    case 'redis://':
    case 'rediss://':
      throw notAvailable('Redis', from);
    case 'keychain':
      throw notAvailable('keychain', from);
    case 'auto':
      throw notAvailable('automatically chosen', from);
    default:
      throw new AuthenticationError(
        AuthErrorCode.CONFIG_INVALID,
        `${from} names no credential store claude-auth knows (expected file, redis://…, rediss://…, keychain or auto).`,
        { fix: `unset ${ENV_STORE} to use the file store` },
      );
  }
}
