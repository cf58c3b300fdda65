import { resolveProfile } from '../profile/profile-paths.js';
import type { CredentialStore } from '../store/credential-store.js';
import { FileCredentialStore } from '../store/file/file-credential-store.js';
import { replaceCredential } from '../store/replace-credential.js';
import type { AuthToken } from '../token/auth-token.js';
import { type OpenStoreOptions, openStore } from './open-store.js';

/**
 * The guide's `TokenStorage`: one credential, loaded and saved by name. A
 * facade over a {@link CredentialStore} (a private file by default, see
 * `FileCredentialStore`): every save and delete is a transaction of that
 * store — its lease, a re-read and a compare-and-swap write — so a refresh in
 * flight in another process can never undo it. One storage is one account:
 * use one per profile.
 *
 * @example
 * ```ts
 * const work = new TokenStorage(join(homedir(), '.claude_code', 'work.json'));
 * const token = await work.loadToken(); // null when not logged in
 * ```
 */
export class TokenStorage {
  /** The token file, or for another backend the store's location (as `status` shows it). */
  readonly path: string;
  /** The profile name, when the storage was made from one. */
  readonly profile: string | undefined;
  #store: CredentialStore;

  /**
   * Creates a storage for one file; nothing is read or written yet.
   *
   * @param path - The token file; default: the default profile's file
   *   (`$CLAUDE_AUTH_DIR/tokens.json`, else `~/.claude_code/tokens.json`).
   * @param profile - The profile this file belongs to, when known (shown in messages).
   */
  constructor(path?: string, profile?: string) {
    if (path === undefined) {
      const location = resolveProfile();
      this.path = location.path;
      this.profile = location.profile;
    } else {
      this.path = path;
      this.profile = profile;
    }
    this.#store = new FileCredentialStore({ path: this.path, profile: this.profile });
  }

  /**
   * The storage of a named profile (`default` is `tokens.json`, `NAME` is
   * `NAME.json`), in the backend `options.store` or `CLAUDE_AUTH_STORE` names.
   *
   * @param options - Profile, directory, environment and backend; see {@link OpenStoreOptions}.
   * @throws {@link AuthenticationError} `CONFIG_INVALID` for an invalid profile name or backend.
   */
  static forProfile(options: OpenStoreOptions = {}): TokenStorage {
    return TokenStorage.fromStore(openStore(options));
  }

  /**
   * The storage over any {@link CredentialStore}.
   *
   * @param store - The credential's store.
   */
  static fromStore(store: CredentialStore): TokenStorage {
    const storage = new TokenStorage(store.describe().location, store.profile);
    storage.#store = store;
    return storage;
  }

  /** The store every read and write goes through. */
  get store(): CredentialStore {
    return this.#store;
  }

  /**
   * Reads the stored credential.
   *
   * @returns The token, or `null` when this profile is not logged in.
   * @throws {@link AuthenticationError} `STORAGE_CORRUPT` (also for a file over
   *   1 MiB), `STORAGE_VERSION_UNSUPPORTED`, `STORAGE_INSECURE` or `STORAGE_IO`;
   *   the file is never changed by a failed load.
   */
  async loadToken(): Promise<AuthToken | null> {
    return (await this.#store.read())?.token ?? null;
  }

  /**
   * Stores a credential, replacing the previous one in one transaction. A
   * previous record that cannot be parsed is first kept aside (the file
   * store's `<path>.corrupt-<time>`), so a new login never destroys what was there.
   *
   * @param token - The credential to store.
   * @throws {@link AuthenticationError} `STORAGE_INSECURE`, `STORAGE_IO` or `STORAGE_LOCK_TIMEOUT`.
   */
  async saveToken(token: AuthToken): Promise<void> {
    await replaceCredential(this.#store, token);
  }

  /**
   * Deletes the stored credential (a local logout), in one transaction.
   *
   * @returns Whether there was one to delete.
   * @throws {@link AuthenticationError} `STORAGE_IO` or `STORAGE_LOCK_TIMEOUT`.
   */
  async deleteToken(): Promise<boolean> {
    return (await replaceCredential(this.#store, null)).existed;
  }
}
