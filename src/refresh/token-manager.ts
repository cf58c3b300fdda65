import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import type { FileLockOptions } from '../storage/file-lock.js';
import { loginCommand } from '../storage/fix-commands.js';
import { TokenStorage } from '../storage/token-storage.js';
import type {
  CredentialStore,
  CredentialTransaction,
  StoredCredential,
  TransactionOptions,
} from '../store/credential-store.js';
import type { AuthToken } from '../token/auth-token.js';
import { refreshState } from './refresh-policy.js';

/**
 * Exchanges a token's refresh token for a new token (RFC 6749 §6). It throws an
 * {@link AuthenticationError} whose `oauthError.error` is `invalid_grant` when
 * the server refuses the refresh token itself.
 */
export type RefreshFunction = (
  token: AuthToken,
  context: { signal?: AbortSignal },
) => Promise<AuthToken>;

/** Options for {@link TokenManager}: the credential (`store`, or the guide's `storage`) and how to refresh it. */
export interface TokenManagerOptions {
  /** The credential's store. Either this or `storage`. */
  store?: CredentialStore;
  /** The credential, through the guide's facade (its store is used). Either this or `store`. */
  storage?: TokenStorage;
  /** How to refresh; see {@link RefreshFunction}. */
  refresh: RefreshFunction;
  /** The clock, in epoch milliseconds (default `Date.now`). */
  now?: () => number;
  /**
   * Ignored: when a credential is due is decided by `refresh-policy` alone
   * (windows scaled to the token's lifetime). Accepted so existing callers compile.
   *
   * @deprecated No effect.
   */
  advisoryWindowMs?: number;
  /**
   * Ignored, as {@link TokenManagerOptions.advisoryWindowMs}.
   *
   * @deprecated No effect.
   */
  mandatoryWindowMs?: number;
  /** Bounds of the transaction around a refresh (wait; the file store's lease and takeover hook). */
  lock?: FileLockOptions;
  /** Told of a background (advisory) refresh that failed; the current token stays in use. */
  onBackgroundRefreshError?: (error: unknown) => void;
}

/** Options for one {@link TokenManager.getValidToken} call. */
export interface GetTokenOptions {
  /** The token must stay valid at least this long (default: until the policy's mandatory window). */
  minTtlMs?: number;
  /** Cancels waiting for a refresh. */
  signal?: AbortSignal;
}

/**
 * One refresh in flight per stored credential in this process, keyed by the
 * store's identity (the file store's resolved path: a symlinked profile and
 * its target share one), so a herd of callers costs one request.
 */
const refreshesInFlight = new Map<string, Promise<AuthToken>>();

function isInvalidGrant(error: unknown): boolean {
  return error instanceof AuthenticationError && error.oauthError?.error === 'invalid_grant';
}

/** Due for a refresh callers must wait for (the policy's mandatory window, or past expiry). */
function mustWait(token: AuthToken, now: number): boolean {
  const state = refreshState(token, now);
  return state === 'mandatory' || state === 'expired';
}

/**
 * Hands out valid access tokens for one stored credential, refreshing it when
 * the refresh policy says it is due, safely across callers and processes:
 *
 * - inside the advisory window a refresh starts in the background and callers
 *   keep the current token; inside the mandatory window they wait for it;
 * - one refresh per credential per process; across processes one transaction
 *   of the credential's store: lease, re-read (another process may have
 *   refreshed already), compare-and-swap write against the revision read;
 * - the new refresh token is stored before the new access token is returned
 *   (a rotated refresh token held only in memory dies with the process);
 * - `invalid_grant` marks the profile "re-login required", keeping its account;
 * - a write refused by the compare-and-swap (a logout, a new login, or a
 *   holder that took the lease over) is never forced: what is stored wins.
 */
export class TokenManager {
  readonly #store: CredentialStore;
  readonly #storage: TokenStorage;
  readonly #refresh: RefreshFunction;
  readonly #now: () => number;
  readonly #transaction: TransactionOptions;
  readonly #onBackgroundError: (error: unknown) => void;
  #cached: AuthToken | undefined;
  #loading: Promise<AuthToken> | undefined;
  #invalidatedAccessToken: string | undefined;

  /**
   * Creates a manager for one stored credential.
   *
   * @param options - See {@link TokenManagerOptions}.
   * @throws {@link AuthenticationError} `CONFIG_INVALID` when neither `store` nor `storage` is given.
   */
  constructor(options: TokenManagerOptions) {
    const store = options.store ?? options.storage?.store;
    if (store === undefined) {
      throw new AuthenticationError(
        AuthErrorCode.CONFIG_INVALID,
        'A TokenManager needs the credential it manages.',
        { fix: 'pass `store` (a CredentialStore) or `storage` (a TokenStorage)' },
      );
    }
    this.#store = store;
    this.#storage = options.storage ?? TokenStorage.fromStore(store);
    this.#refresh = options.refresh;
    this.#now = options.now ?? Date.now;
    const lock = options.lock ?? {};
    this.#transaction = {
      ...(lock.waitMs !== undefined && { waitMs: lock.waitMs }),
      ...(lock.staleMs !== undefined && { leaseMs: lock.staleMs }),
      ...(lock.onTakeover !== undefined && { onTakeover: lock.onTakeover }),
    };
    this.#onBackgroundError = options.onBackgroundRefreshError ?? (() => undefined);
  }

  /** The guide-facing storage of the credential (over {@link TokenManager.store}). */
  get storage(): TokenStorage {
    return this.#storage;
  }

  /** The store of the credential this manager serves. */
  get store(): CredentialStore {
    return this.#store;
  }

  /**
   * A token valid for at least `minTtlMs`, refreshed first when needed.
   *
   * @param options - See {@link GetTokenOptions}.
   * @throws {@link AuthenticationError} `NOT_LOGGED_IN`, `REAUTH_REQUIRED`, a storage
   *   error, or the refresh's own error (stored credentials are left intact).
   */
  async getValidToken(options: GetTokenOptions = {}): Promise<AuthToken> {
    const token = this.#cached ?? (await this.#loadOnce());
    const now = this.#now();
    const mustRefresh =
      this.#invalidatedAccessToken === token.accessToken ||
      mustWait(token, now) ||
      token.remainingMs(now) <= (options.minTtlMs ?? 0);
    if (!mustRefresh) {
      if (refreshState(token, now) === 'advisory' && token.refreshToken !== undefined) {
        this.#sharedRefresh(token).catch(this.#onBackgroundError);
      }
      return token;
    }
    return this.#sharedRefresh(token, options.signal);
  }

  /**
   * Refreshes now, whatever the expiry (`claude-auth refresh --force`).
   *
   * @throws As {@link TokenManager.getValidToken}.
   */
  async refreshNow(signal?: AbortSignal): Promise<AuthToken> {
    const token = this.#cached ?? (await this.#loadOnce());
    this.#invalidatedAccessToken = token.accessToken;
    return this.#sharedRefresh(token, signal);
  }

  /**
   * Marks the token that was handed out as rejected (the API answered 401), so
   * the next call refreshes — unless another process already stored a new one.
   *
   * @param token - The rejected token; default: the one last handed out.
   */
  invalidate(token?: AuthToken): void {
    this.#invalidatedAccessToken = (token ?? this.#cached)?.accessToken;
  }

  /** The first read of the store, shared by every caller that arrives before it completes. */
  #loadOnce(): Promise<AuthToken> {
    this.#loading ??= this.#store
      .read()
      .then((stored) => this.#usable(stored))
      .finally(() => {
        this.#loading = undefined;
      });
    return this.#loading;
  }

  /** The stored token, or why it cannot be used; remembered for the next caller. */
  #usable(stored: StoredCredential | null): AuthToken {
    if (stored === null) {
      this.#cached = undefined;
      throw new AuthenticationError(
        AuthErrorCode.NOT_LOGGED_IN,
        `Not logged in${this.#profileSuffix()}: there is no credential in ${this.#store.describe().location}.`,
        { fix: loginCommand(this.#store.profile) },
      );
    }
    if (stored.token.reauthRequired) {
      this.#cached = undefined;
      throw this.#reauthRequired('the provider refused its refresh token');
    }
    this.#cached = stored.token;
    return stored.token;
  }

  #profileSuffix(): string {
    return this.#store.profile === undefined ? '' : ` (profile "${this.#store.profile}")`;
  }

  #reauthRequired(reason: string, cause?: unknown): AuthenticationError {
    return new AuthenticationError(
      AuthErrorCode.REAUTH_REQUIRED,
      `The stored credential${this.#profileSuffix()} can no longer be used: ${reason}.`,
      { fix: loginCommand(this.#store.profile), cause },
    );
  }

  async #sharedRefresh(held: AuthToken, signal?: AbortSignal): Promise<AuthToken> {
    const key = await this.#store.identity();
    let refresh = refreshesInFlight.get(key);
    if (refresh === undefined) {
      refresh = this.#store
        .transact((tx) => this.#refreshInTransaction(held, tx), this.#transaction)
        .finally(() => refreshesInFlight.delete(key));
      refreshesInFlight.set(key, refresh);
    }
    const settled = refresh.then((token) => this.#adopt(token));
    return signal === undefined ? settled : abortable(settled, signal);
  }

  #adopt(token: AuthToken): AuthToken {
    this.#cached = token;
    if (this.#invalidatedAccessToken !== token.accessToken)
      this.#invalidatedAccessToken = undefined;
    return token;
  }

  async #refreshInTransaction(held: AuthToken, tx: CredentialTransaction): Promise<AuthToken> {
    const stored = await tx.read();
    const current = this.#usable(stored);
    const revision = (stored as StoredCredential).revision;
    // Another process refreshed while we waited for the lease: its token serves us too.
    if (current.accessToken !== held.accessToken && !mustWait(current, this.#now())) return current;
    if (current.refreshToken === undefined) {
      throw this.#reauthRequired(
        current.isExpired(0, this.#now())
          ? 'it has expired and cannot be refreshed'
          : 'it cannot be refreshed',
      );
    }
    // Spend the refresh token only while the lease is ours: its result must be storable.
    if (tx.leaseRemainingMs() <= 0) throw this.#leaseLost('before the refresh could start');
    let next: AuthToken;
    try {
      next = await this.#refresh(current, {});
    } catch (error) {
      if (!isInvalidGrant(error)) throw error;
      return this.#afterInvalidGrant(current, revision, tx, error);
    }
    next = next.with({
      // RFC 6749 §6: a server that issues no new refresh token keeps the old one valid.
      ...(next.refreshToken === undefined && { refreshToken: current.refreshToken }),
      ...(next.account === undefined &&
        current.account !== undefined && { account: current.account }),
      ...(next.provider === undefined &&
        current.provider !== undefined && { provider: current.provider }),
      unknownFields: current.unknownFields,
    });
    // The fence: lands only if the store still holds the revision whose refresh token we spent.
    const outcome = await tx.write(next, revision);
    return outcome.written ? next : this.#afterRefusedWrite(current, tx);
  }

  /**
   * Our write was refused: a holder that took the lease over while we stalled
   * wrote first (what it stored wins), or holds it still (our rotated token
   * cannot be stored; the caller must retry).
   */
  async #afterRefusedWrite(spent: AuthToken, tx: CredentialTransaction): Promise<AuthToken> {
    const now = this.#usable(await tx.read());
    if (now.accessToken === spent.accessToken) throw this.#leaseLost('during the refresh');
    return now;
  }

  #leaseLost(when: string): AuthenticationError {
    return new AuthenticationError(
      AuthErrorCode.STORAGE_LOCK_TIMEOUT,
      `This process lost the lock on ${this.#store.describe().location} ${when} (it was suspended past the lease).`,
      { fix: 'retry; if it keeps failing, check that the machine is not suspending this process' },
    );
  }

  async #afterInvalidGrant(
    spent: AuthToken,
    revision: string,
    tx: CredentialTransaction,
    error: unknown,
  ): Promise<AuthToken> {
    const outcome = await tx.write(spent.with({ reauthRequired: true }), revision);
    // Refused: another writer stored something since; that record decides.
    if (!outcome.written) return this.#usable(await tx.read());
    this.#cached = undefined;
    throw this.#reauthRequired('the provider refused its refresh token (invalid_grant)', error);
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
