import {
  AuthErrorCode,
  AuthenticationError,
  isAuthenticationError,
} from '../errors/authentication-error.js';
import { DEFAULT_HTTP_TIMEOUT_MS } from '../oauth/http-client.js';
import { loginCommand } from '../profile/fix-commands.js';
import { TokenStorage } from '../storage/token-storage.js';
import type {
  CredentialStore,
  CredentialTransaction,
  StoredCredential,
  TransactionOptions,
  WriteOutcome,
} from '../store/credential-store.js';
import type { FileLockOptions } from '../store/file/file-lock.js';
import type { AuthToken } from '../token/auth-token.js';
import { isRenewable } from './credential-standing.js';
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

/** How much longer than the refresh request the lease is asked for: time to store its answer. */
export const LEASE_MARGIN_MS = 5_000;

/**
 * How long a token read from the store is handed out without looking at the
 * store again, in ms. Another process may log out, log in anew or mark the
 * credential "re-login required" at any time; a long-running process sees it
 * within this interval, at the cost of one store read (≈0.2 ms for the file
 * store) per interval rather than per call.
 */
export const STORE_RECHECK_MS = 1_000;

/**
 * The first pause before storing a rotated token again after the store failed,
 * in ms; it doubles up to {@link ROTATED_RETRY_MAX_MS} while the lease lasts.
 */
export const ROTATED_RETRY_FIRST_MS = 100;
/** The longest pause between two attempts to store a rotated token, in ms. */
export const ROTATED_RETRY_MAX_MS = 2_000;

/** A store failure that may pass (Redis restarting, a keychain busy, a disk hiccup): worth another try. */
function isTransientStoreError(error: unknown): boolean {
  return (
    isAuthenticationError(error, AuthErrorCode.STORE_UNAVAILABLE) ||
    isAuthenticationError(error, AuthErrorCode.STORAGE_IO)
  );
}

/** Tokens the provider issued that the store has not taken yet, and the revision they replace. */
interface UnsavedTokens {
  readonly token: AuthToken;
  readonly replaces: string;
}

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
  /** Bounds of the transaction around a refresh (wait; the file store's lease and takeover hook). */
  lock?: FileLockOptions;
  /**
   * The refresh request's own timeout (default the OAuth client's, 30 s). The
   * lease asked for outlasts it by 5 s (`LEASE_MARGIN_MS`); a holder with less
   * lease left than this does not send the request (DESIGN.md §6a).
   */
  refreshTimeoutMs?: number;
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
  readonly #requestTimeoutMs: number;
  readonly #onBackgroundError: (error: unknown) => void;
  #cached: AuthToken | undefined;
  /** When the store was last read (`#cached` is what it held then); see {@link STORE_RECHECK_MS}. */
  #checkedAt = Number.NEGATIVE_INFINITY;
  #loading: Promise<AuthToken> | undefined;
  #invalidatedAccessToken: string | undefined;
  /** `invalidate()` came before anything was handed out: the token loaded next is the rejected one. */
  #invalidateOnLoad = false;
  /** A rotated token the store could not take within the lease: stored before anything else. */
  #unsaved: UnsavedTokens | undefined;
  #storingUnsaved: Promise<void> | undefined;

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
    const timeout = options.refreshTimeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
    // The lease outlasts the refresh request (DESIGN.md §6a); a lease named shorter bounds the request instead.
    const leaseMs = lock.staleMs ?? timeout + LEASE_MARGIN_MS;
    this.#requestTimeoutMs = Math.max(Math.min(timeout, leaseMs - LEASE_MARGIN_MS), leaseMs / 2);
    this.#transaction = {
      leaseMs,
      ...(lock.waitMs !== undefined && { waitMs: lock.waitMs }),
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
    if (this.#unsaved !== undefined) await this.#storeUnsavedOnce();
    let now = this.#now();
    let token = this.#cached;
    if (token === undefined || now - this.#checkedAt >= STORE_RECHECK_MS) {
      token = await this.#recheck(token);
      now = this.#now();
    }
    const invalidated = this.#invalidatedAccessToken === token.accessToken;
    const mustRefresh =
      invalidated || mustWait(token, now) || token.remainingMs(now) <= (options.minTtlMs ?? 0);
    // A token that cannot be refreshed (a subscription token) serves until it expires:
    // refusing it in its last seconds would gain nothing.
    const unrefreshableButValid = !isRenewable(token) && !invalidated && token.remainingMs(now) > 0;
    if (!mustRefresh || unrefreshableButValid) {
      if (refreshState(token, now) === 'advisory' && isRenewable(token)) {
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
   * A manager that has handed out nothing yet (one made for a single call,
   * as `getAuthHeaders` does for object options) marks the token it loads
   * next: the caller got it from the same store.
   *
   * @param token - The rejected token; default: the one last handed out.
   */
  invalidate(token?: AuthToken): void {
    const rejected = token ?? this.#cached;
    this.#invalidatedAccessToken = rejected?.accessToken;
    this.#invalidateOnLoad = rejected === undefined;
  }

  /**
   * The stored token, read again: what another process stored since (a new
   * login, a logout, a re-login mark) replaces the cached one. A store that
   * cannot be read now (Redis down, a keychain locked) says nothing about the
   * credential, so the cached token keeps serving until the next look.
   */
  async #recheck(cached: AuthToken | undefined): Promise<AuthToken> {
    if (cached === undefined) return this.#loadOnce();
    try {
      return await this.#loadOnce();
    } catch (error) {
      if (
        isAuthenticationError(error, AuthErrorCode.NOT_LOGGED_IN) ||
        isAuthenticationError(error, AuthErrorCode.REAUTH_REQUIRED)
      )
        throw error;
      this.#checkedAt = this.#now();
      return cached;
    }
  }

  /** A read of the store, shared by every caller that arrives before it completes. */
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
    const invalidateThis = this.#invalidateOnLoad;
    this.#invalidateOnLoad = false;
    this.#checkedAt = this.#now();
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
    if (invalidateThis) this.#invalidatedAccessToken = stored.token.accessToken;
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
    this.#checkedAt = this.#now();
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
    if (!isRenewable(current)) {
      throw this.#reauthRequired(
        current.isExpired(0, this.#now())
          ? 'it has expired and cannot be refreshed'
          : 'it cannot be refreshed',
      );
    }
    // Spend the refresh token only if the lease outlasts the request: its result must be storable.
    if (tx.leaseRemainingMs() < this.#requestTimeoutMs)
      throw this.#leaseLost('before the refresh could start');
    let next: AuthToken;
    try {
      next = await this.#refresh(current, { signal: AbortSignal.timeout(this.#requestTimeoutMs) });
    } catch (error) {
      // A machine grant refused (its identity token, say) is acquired again next time with
      // what the platform provides then: nothing stored is spent, nothing needs a new login.
      if (!isInvalidGrant(error) || current.grant !== undefined) throw error;
      return this.#afterInvalidGrant(current, revision, tx, error);
    }
    next = next.with({
      // RFC 6749 §6: a server that issues no new refresh token keeps the old one valid.
      ...(next.refreshToken === undefined &&
        current.refreshToken !== undefined && { refreshToken: current.refreshToken }),
      ...(next.account === undefined &&
        current.account !== undefined && { account: current.account }),
      ...(next.provider === undefined &&
        current.provider !== undefined && { provider: current.provider }),
      unknownFields: current.unknownFields,
    });
    // The fence: lands only if the store still holds the revision whose refresh token we spent.
    const outcome = await this.#storeRotated(next, revision, tx);
    return outcome.written ? next : this.#afterRefusedWrite(current, tx);
  }

  /**
   * Stores tokens the provider just issued. The old refresh token is spent
   * (a rotating provider already revoked it), so a store that fails now is
   * tried again while the lease lasts; if it cannot take them in time, they
   * stay in this manager, which stores them before anything else at its next
   * call, and the caller is told exactly that (DESIGN.md §7).
   */
  async #storeRotated(
    next: AuthToken,
    revision: string,
    tx: CredentialTransaction,
  ): Promise<WriteOutcome> {
    let pause = ROTATED_RETRY_FIRST_MS;
    // A lease that renews itself while we live (the file store's) never runs out: the
    // lease length asked for bounds the retries too. Real time: the pauses are real.
    const giveUpAt = performance.now() + (this.#transaction.leaseMs ?? 0);
    for (;;) {
      try {
        const outcome = await tx.write(next, revision);
        this.#unsaved = undefined;
        return outcome;
      } catch (error) {
        if (!isTransientStoreError(error)) throw error;
        const left = Math.min(tx.leaseRemainingMs(), giveUpAt - performance.now());
        if (left <= pause) {
          this.#unsaved = { token: next, replaces: revision };
          throw this.#rotatedUnsaved(error);
        }
        await new Promise((resolve) => setTimeout(resolve, pause));
        pause = Math.min(pause * 2, ROTATED_RETRY_MAX_MS);
      }
    }
  }

  /** Stores the kept rotated token, once for every caller waiting; see {@link TokenManager.#storeRotated}. */
  #storeUnsavedOnce(): Promise<void> {
    this.#storingUnsaved ??= this.#store
      .transact(async (tx) => {
        const unsaved = this.#unsaved;
        if (unsaved === undefined) return;
        // Stored only over the record whose refresh token it replaced; anything newer wins.
        const outcome = await this.#storeRotated(unsaved.token, unsaved.replaces, tx);
        this.#unsaved = undefined;
        if (outcome.written) this.#adopt(unsaved.token);
      }, this.#transaction)
      .finally(() => {
        this.#storingUnsaved = undefined;
      });
    return this.#storingUnsaved;
  }

  #rotatedUnsaved(cause: unknown): AuthenticationError {
    const where = this.#store.describe().location;
    const reason =
      cause instanceof AuthenticationError
        ? cause.summary
        : cause instanceof Error
          ? cause.message
          : String(cause);
    return new AuthenticationError(
      AuthErrorCode.STORE_UNAVAILABLE,
      `The provider issued new tokens${this.#profileSuffix()} and rotated its refresh token, but ${where} did not take them while this process held its lease (${reason}). This process keeps them and stores them at its next call; the stored refresh token is already spent, so if the process ends first the next refresh needs a new login.`,
      {
        fix: `make ${where} reachable again and retry; if a later command says a re-login is required, run ${loginCommand(this.#store.profile)}`,
        cause,
      },
    );
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
