import {
  AuthErrorCode,
  AuthenticationError,
  isAuthenticationError,
} from '../errors/authentication-error.js';
import type { AuthToken } from '../token/auth-token.js';
import type { CredentialStore, TransactionOptions } from './credential-store.js';

/** What {@link replaceCredential} replaced. */
export interface Replaced {
  /** Whether anything was stored before, readable or not. */
  readonly existed: boolean;
  /** The credential that was stored, when it could be read (a logout revokes it). */
  readonly previous: AuthToken | null;
  /** Why the stored record could not be read, when it existed but could not (it was replaced all the same). */
  readonly unreadable?: AuthenticationError;
}

/** Options for {@link replaceCredential}. */
export interface ReplaceOptions extends TransactionOptions {
  /**
   * Leave a record that cannot be read in place and throw why, instead of
   * replacing it: a logout that must not delete what it could not revoke.
   */
  keepUnreadable?: boolean;
}

/** A compare-and-swap refused under our own lease means the lease was lost: this many tries. */
const ATTEMPTS = 3;

function isUnreadable(error: unknown): boolean {
  return (
    isAuthenticationError(error, AuthErrorCode.STORAGE_CORRUPT) ||
    isAuthenticationError(error, AuthErrorCode.STORAGE_VERSION_UNSUPPORTED) ||
    isAuthenticationError(error, AuthErrorCode.STORAGE_INSECURE)
  );
}

/**
 * Replaces whatever is stored with `next` (a login), or removes it (`null`, a
 * logout), as one transaction: lease, read, compare-and-swap against what was
 * read, release. A refresh in flight elsewhere either finishes first (and is
 * replaced) or finds the new record and does not write. An unreadable record
 * is replaced too (the store keeps it aside); one sealed with a store key we
 * do not hold is only ever deleted, never replaced.
 *
 * @param store - The credential's store.
 * @param next - The new credential, or `null` to remove it.
 * @param options - Wait bounds, and whether to keep an unreadable record.
 * @throws {@link AuthenticationError} `STORAGE_LOCK_TIMEOUT` (also when the
 *   lease kept being lost), or the store's own errors (with
 *   `keepUnreadable`, also why the record could not be read).
 */
export async function replaceCredential(
  store: CredentialStore,
  next: AuthToken | null,
  options: ReplaceOptions = {},
): Promise<Replaced> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const done = await store.transact(async (tx) => {
      let previous: AuthToken | null = null;
      let unreadable: AuthenticationError | undefined;
      try {
        previous = (await tx.read())?.token ?? null;
      } catch (error) {
        // Logging in or out must work over a record that cannot be read; a record sealed
        // with a key we lack may be deleted (a logout) but never replaced (others read it).
        const sealedElsewhere =
          next === null && isAuthenticationError(error, AuthErrorCode.STORE_KEY_MISMATCH);
        if ((!isUnreadable(error) && !sealedElsewhere) || options.keepUnreadable === true)
          throw error;
        unreadable = error as AuthenticationError;
      }
      const revision = await tx.currentRevision();
      const outcome = await tx.write(next, revision);
      return outcome.written
        ? { existed: revision !== null, previous, ...(unreadable !== undefined && { unreadable }) }
        : undefined;
    }, options);
    if (done !== undefined) return done;
  }
  const where = store.describe().location;
  throw new AuthenticationError(
    AuthErrorCode.STORAGE_LOCK_TIMEOUT,
    `Could not keep the lock on ${where} long enough to write it (tried ${ATTEMPTS} times).`,
    { fix: 'retry; if it keeps failing, check that the machine is not suspending this process' },
  );
}
