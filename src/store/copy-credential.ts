import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import type { AuthToken } from '../token/auth-token.js';
import { serializeTokenFile } from '../token/token-file-format.js';
import type { CredentialStore } from './credential-store.js';

/** Options for {@link copyCredential}. */
export interface CopyCredentialOptions {
  /** Delete the source once the destination reads back equal (`storage move`). */
  move?: boolean;
  /** Replace a different credential already in the destination (default: refuse). */
  replace?: boolean;
}

/** What {@link copyCredential} did. */
export interface CopyCredentialOutcome {
  /** The credential now in the destination. */
  readonly token: AuthToken;
  /** The destination's revision of it. */
  readonly revision: string;
  /**
   * The destination already held this credential: exactly, or (a move resumed
   * after a crash) a newer state of the same login, which is kept.
   */
  readonly alreadyThere: boolean;
  /** The source was deleted (a move). */
  readonly sourceDeleted: boolean;
}

function sameCredential(a: AuthToken, b: AuthToken): boolean {
  return serializeTokenFile(a) === serializeTokenFile(b);
}

/**
 * Whether two credentials are the same login at different moments (one
 * refreshed from the other): same kind, client, token endpoint and account.
 */
function sameLogin(a: AuthToken, b: AuthToken): boolean {
  return (
    a.kind === b.kind &&
    a.provider?.clientId === b.provider?.clientId &&
    a.provider?.tokenEndpoint === b.provider?.tokenEndpoint &&
    a.account?.subject === b.account?.subject &&
    a.account?.email === b.account?.email
  );
}

/** The destination holds something obtained after the source's: copying would go backwards. */
function isNewer(current: AuthToken, source: AuthToken): boolean {
  return current.obtainedAt.getTime() > source.obtainedAt.getTime();
}

/**
 * Copies (or moves) one credential from one store to another, whatever their
 * backends, crash-safely: under the source's lease (no refresh rotates it
 * meanwhile) it writes the destination by compare-and-swap, reads it back and
 * compares, and only then, for a move, deletes the source by compare-and-swap
 * on the revision it copied. A kill at any step leaves at least one complete
 * copy (each backend's write is atomic); running the move again finishes it.
 *
 * @param from - The store holding the credential.
 * @param to - The store to receive it.
 * @param options - See {@link CopyCredentialOptions}.
 * @throws {@link AuthenticationError} `NOT_LOGGED_IN` (nothing to copy),
 *   `CONFIG_INVALID` (the same credential twice, a different one in the way
 *   without `replace`, or one obtained later than the source's, even with
 *   `replace`: a copy never goes backwards), `STORAGE_IO` (the read-back differs; the source is kept),
 *   or any store's own error. The source is never deleted unless the
 *   destination holds an equal copy.
 */
export async function copyCredential(
  from: CredentialStore,
  to: CredentialStore,
  options: CopyCredentialOptions = {},
): Promise<CopyCredentialOutcome> {
  const source = from.describe().location;
  const destination = to.describe().location;
  if ((await from.identity()) === (await to.identity()))
    throw new AuthenticationError(
      AuthErrorCode.CONFIG_INVALID,
      `--from and --to name the same credential (${source}).`,
      { fix: 'name two different stores (or profiles)' },
    );
  return from.transact(async (fromTx) => {
    const stored = await fromTx.read();
    if (stored === null)
      throw new AuthenticationError(
        AuthErrorCode.NOT_LOGGED_IN,
        `Nothing to copy: ${source} holds no credential.`,
        { fix: 'check --from and --profile (claude-auth status shows where credentials are)' },
      );
    const placed = await to.transact(async (toTx) => {
      const current = await toTx.read().catch(() => undefined);
      if (current !== undefined && current !== null && sameCredential(current.token, stored.token))
        return { revision: current.revision, alreadyThere: true, token: current.token };
      if (current !== undefined && current !== null && isNewer(current.token, stored.token)) {
        // A move that was interrupted after its write, and the copy refreshed since (a runner
        // used it): the source is the older state of the same login; finishing the move keeps
        // the newer one. Anything else newer is never overwritten, --replace or not.
        if (options.move === true && sameLogin(current.token, stored.token))
          return { revision: current.revision, alreadyThere: true, token: current.token };
        throw new AuthenticationError(
          AuthErrorCode.CONFIG_INVALID,
          `${destination} holds a credential obtained ${current.token.obtainedAt.toISOString()}, later than the one in ${source} (${stored.token.obtainedAt.toISOString()}): replacing it would write an older refresh token over a newer one. Nothing was changed.`,
          {
            fix: `keep the newer one; to replace it all the same, log out of ${destination} first, then copy again`,
          },
        );
      }
      if (current !== null && options.replace !== true)
        throw new AuthenticationError(
          AuthErrorCode.CONFIG_INVALID,
          `${destination} already holds ${current === undefined ? 'an unreadable' : 'another'} credential; nothing was changed.`,
          { fix: 'add --replace to overwrite it, or choose another --profile' },
        );
      const written = await toTx.write(stored.token, await toTx.currentRevision());
      if (!written.written || written.revision === null)
        throw new AuthenticationError(
          AuthErrorCode.STORAGE_IO,
          `${destination} changed while the credential was being copied; nothing was deleted.`,
          { fix: 'run the command again' },
        );
      const back = await toTx.read();
      if (back === null || !sameCredential(back.token, stored.token))
        throw new AuthenticationError(
          AuthErrorCode.STORAGE_IO,
          `The copy in ${destination} does not read back equal to the original; the source is untouched.`,
          { fix: 'check the destination store, then run the command again' },
        );
      return { revision: back.revision, alreadyThere: false, token: stored.token };
    });
    let sourceDeleted = false;
    if (options.move === true) {
      const deleted = await fromTx.write(null, stored.revision);
      if (!deleted.written)
        throw new AuthenticationError(
          AuthErrorCode.STORAGE_IO,
          `${source} changed during the move; both copies are kept.`,
          { fix: 'run the move again' },
        );
      sourceDeleted = true;
    }
    return { ...placed, sourceDeleted };
  });
}
