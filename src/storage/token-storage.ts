import { unlink } from 'node:fs/promises';
import {
  AuthErrorCode,
  AuthenticationError,
  isAuthenticationError,
} from '../errors/authentication-error.js';
import type { AuthToken } from '../token/auth-token.js';
import { parseTokenFile, serializeTokenFile } from '../token/token-file-format.js';
import { type FileLockOptions, type HeldLock, withFileLock } from './file-lock.js';
import { type ProfileOptions, resolveProfile } from './profile-paths.js';
import { copyPrivateFile, readPrivateFile, writePrivateFileAtomic } from './secure-file.js';

/**
 * Persists one credential in one file (the guide's `TokenStorage`). The file
 * is private (0600 in a 0700 directory), written atomically, and refused when
 * others can read it. One file is one account: use one storage per profile.
 *
 * @example
 * ```ts
 * const work = new TokenStorage(join(homedir(), '.claude_code', 'work.json'));
 * const token = await work.loadToken(); // null when not logged in
 * ```
 */
export class TokenStorage {
  /** The token file. */
  readonly path: string;
  /** The profile name, when the storage was made from one. */
  readonly profile: string | undefined;

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
  }

  /**
   * The storage of a named profile (`default` is `tokens.json`, `NAME` is `NAME.json`).
   *
   * @param options - Profile, directory and environment; see {@link ProfileOptions}.
   * @throws {@link AuthenticationError} `CONFIG_INVALID` for an invalid profile name.
   */
  static forProfile(options: ProfileOptions = {}): TokenStorage {
    const location = resolveProfile(options);
    return new TokenStorage(location.path, location.profile);
  }

  /**
   * Reads the stored credential.
   *
   * @returns The token, or `null` when this profile is not logged in.
   * @throws {@link AuthenticationError} `STORAGE_CORRUPT`, `STORAGE_VERSION_UNSUPPORTED`,
   *   `STORAGE_INSECURE` or `STORAGE_IO`; the file is never changed by a failed load.
   */
  async loadToken(): Promise<AuthToken | null> {
    const text = await readPrivateFile(this.path);
    return text === null ? null : parseTokenFile(text, this.path);
  }

  /**
   * Stores a credential, replacing the previous one atomically. A previous file
   * that cannot be parsed is first copied to `<path>.corrupt-<time>`, so a new
   * login never destroys what was there.
   *
   * @param token - The credential to store.
   * @throws {@link AuthenticationError} `STORAGE_INSECURE` or `STORAGE_IO`.
   */
  async saveToken(token: AuthToken): Promise<void> {
    await this.keepUnreadableCopy();
    await writePrivateFileAtomic(this.path, serializeTokenFile(token));
  }

  /**
   * Deletes the stored credential (a local logout).
   *
   * @returns Whether there was one to delete.
   */
  async deleteToken(): Promise<boolean> {
    try {
      await unlink(this.path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw new AuthenticationError(AuthErrorCode.STORAGE_IO, `Could not delete ${this.path}.`, {
        cause: error,
        fix: `rm ${this.path}`,
      });
    }
  }

  /**
   * Runs `section` under this file's cross-process lock (a refresh's
   * read-decide-write must not interleave with another process's).
   *
   * @param section - The work to do while holding the lock.
   * @param options - Wait and staleness bounds; see {@link FileLockOptions}.
   * @throws {@link AuthenticationError} `STORAGE_LOCK_TIMEOUT`.
   */
  withLock<T>(section: (lock: HeldLock) => Promise<T>, options?: FileLockOptions): Promise<T> {
    return withFileLock(this.path, section, options);
  }

  private async keepUnreadableCopy(): Promise<void> {
    try {
      await this.loadToken();
    } catch (error) {
      if (
        isAuthenticationError(error, AuthErrorCode.STORAGE_CORRUPT) ||
        isAuthenticationError(error, AuthErrorCode.STORAGE_VERSION_UNSUPPORTED)
      ) {
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        await copyPrivateFile(this.path, `${this.path}.corrupt-${stamp}`).catch((copyError) => {
          throw new AuthenticationError(
            AuthErrorCode.STORAGE_IO,
            `Could not keep a copy of the unreadable ${this.path} before replacing it.`,
            { cause: copyError, fix: `move ${this.path} aside yourself, then retry` },
          );
        });
        return;
      }
      // An insecure file is replaced by a private one: the rename fixes its mode.
      if (isAuthenticationError(error, AuthErrorCode.STORAGE_INSECURE)) return;
      throw error;
    }
  }
}
