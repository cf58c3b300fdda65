import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import type { FileLockOptions, HeldLock } from '../storage/file-lock.js';
import { loginCommand } from '../storage/fix-commands.js';
import type { TokenStorage } from '../storage/token-storage.js';
import type { AuthToken } from '../token/auth-token.js';
import { ADVISORY_REFRESH_WINDOW_MS, MANDATORY_REFRESH_WINDOW_MS } from './refresh-policy.js';

/**
 * Exchanges a token's refresh token for a new token (RFC 6749 §6). It throws an
 * {@link AuthenticationError} whose `oauthError.error` is `invalid_grant` when
 * the server refuses the refresh token itself.
 */
export type RefreshFunction = (
  token: AuthToken,
  context: { signal?: AbortSignal },
) => Promise<AuthToken>;

/** Options for {@link TokenManager}. */
export interface TokenManagerOptions {
  /** The file the credential lives in. */
  storage: TokenStorage;
  /** How to refresh; see {@link RefreshFunction}. */
  refresh: RefreshFunction;
  /** The clock, in epoch milliseconds (default `Date.now`). */
  now?: () => number;
  /** Default {@link ADVISORY_REFRESH_WINDOW_MS}. */
  advisoryWindowMs?: number;
  /** Default {@link MANDATORY_REFRESH_WINDOW_MS}. */
  mandatoryWindowMs?: number;
  /** Bounds for the cross-process lock. */
  lock?: FileLockOptions;
  /** Told of a background (advisory) refresh that failed; the current token stays in use. */
  onBackgroundRefreshError?: (error: unknown) => void;
}

/** Options for one {@link TokenManager.getValidToken} call. */
export interface GetTokenOptions {
  /** The token must stay valid at least this long (default: the mandatory window). */
  minTtlMs?: number;
  /** Cancels waiting for a refresh. */
  signal?: AbortSignal;
}

/**
 * One refresh in flight per token file in this process, shared by every
 * manager and caller of that file, so a herd of callers costs one request.
 */
const refreshesInFlight = new Map<string, Promise<AuthToken>>();

function isInvalidGrant(error: unknown): boolean {
  return error instanceof AuthenticationError && error.oauthError?.error === 'invalid_grant';
}

/**
 * Hands out valid access tokens for one stored credential, refreshing it when
 * due, safely across threads of control and processes:
 *
 * - inside the advisory window a refresh starts in the background and callers
 *   keep the current token; inside the mandatory window they wait for it;
 * - one refresh per file per process; across processes a file lock, a re-read
 *   under the lock (another process may have refreshed already), and a
 *   compare-and-swap write;
 * - the new refresh token is on disk before the new access token is returned
 *   (a rotated refresh token held only in memory dies with the process);
 * - `invalid_grant` marks the profile "re-login required", keeping its account.
 */
export class TokenManager {
  readonly #storage: TokenStorage;
  readonly #refresh: RefreshFunction;
  readonly #now: () => number;
  readonly #advisoryMs: number;
  readonly #mandatoryMs: number;
  readonly #lock: FileLockOptions;
  readonly #onBackgroundError: (error: unknown) => void;
  #cached: AuthToken | undefined;
  #loading: Promise<AuthToken> | undefined;
  #invalidatedAccessToken: string | undefined;

  /**
   * Creates a manager for one stored credential.
   *
   * @param options - See {@link TokenManagerOptions}.
   */
  constructor(options: TokenManagerOptions) {
    this.#storage = options.storage;
    this.#refresh = options.refresh;
    this.#now = options.now ?? Date.now;
    this.#advisoryMs = options.advisoryWindowMs ?? ADVISORY_REFRESH_WINDOW_MS;
    this.#mandatoryMs = options.mandatoryWindowMs ?? MANDATORY_REFRESH_WINDOW_MS;
    this.#lock = options.lock ?? {};
    this.#onBackgroundError = options.onBackgroundRefreshError ?? (() => undefined);
  }

  /** The storage this manager serves. */
  get storage(): TokenStorage {
    return this.#storage;
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
    const remaining = token.remainingMs(this.#now());
    const mustRefresh =
      this.#invalidatedAccessToken === token.accessToken ||
      remaining <= Math.max(this.#mandatoryMs, options.minTtlMs ?? 0);
    if (!mustRefresh) {
      if (remaining <= this.#advisoryMs && token.refreshToken !== undefined) {
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

  /** The first read of the file, shared by every caller that arrives before it completes. */
  #loadOnce(): Promise<AuthToken> {
    this.#loading ??= this.#loadStored().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #loadStored(): Promise<AuthToken> {
    const token = await this.#storage.loadToken();
    if (token === null) {
      throw new AuthenticationError(
        AuthErrorCode.NOT_LOGGED_IN,
        `Not logged in${this.#profileSuffix()}: there is no credential in ${this.#storage.path}.`,
        { fix: loginCommand(this.#storage.profile) },
      );
    }
    this.#assertUsable(token);
    this.#cached = token;
    return token;
  }

  #assertUsable(token: AuthToken): void {
    if (token.reauthRequired) throw this.#reauthRequired('the provider refused its refresh token');
  }

  #profileSuffix(): string {
    return this.#storage.profile === undefined ? '' : ` (profile "${this.#storage.profile}")`;
  }

  #reauthRequired(reason: string, cause?: unknown): AuthenticationError {
    return new AuthenticationError(
      AuthErrorCode.REAUTH_REQUIRED,
      `The stored credential${this.#profileSuffix()} can no longer be used: ${reason}.`,
      { fix: loginCommand(this.#storage.profile), cause },
    );
  }

  #sharedRefresh(held: AuthToken, signal?: AbortSignal): Promise<AuthToken> {
    const key = this.#storage.path;
    let refresh = refreshesInFlight.get(key);
    if (refresh === undefined) {
      refresh = this.#storage
        .withLock((lock) => this.#refreshUnderLock(held, lock), this.#lock)
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

  async #refreshUnderLock(held: AuthToken, lock: HeldLock): Promise<AuthToken> {
    const stored = await this.#loadStored();
    // Another process refreshed while we waited for the lock: its token serves us too.
    if (
      stored.accessToken !== held.accessToken &&
      stored.remainingMs(this.#now()) > this.#mandatoryMs
    ) {
      return stored;
    }
    if (stored.refreshToken === undefined) {
      throw this.#reauthRequired(
        stored.isExpired(0, this.#now())
          ? 'it has expired and cannot be refreshed'
          : 'it cannot be refreshed',
      );
    }
    let next: AuthToken;
    try {
      next = await this.#refresh(stored, {});
    } catch (error) {
      if (!isInvalidGrant(error)) throw error;
      return this.#afterInvalidGrant(stored, lock, error);
    }
    next = next.with({
      // RFC 6749 §6: a server that issues no new refresh token keeps the old one valid.
      ...(next.refreshToken === undefined && { refreshToken: stored.refreshToken }),
      ...(next.account === undefined &&
        stored.account !== undefined && { account: stored.account }),
      ...(next.provider === undefined &&
        stored.provider !== undefined && { provider: stored.provider }),
      unknownFields: stored.unknownFields,
    });
    return this.#compareAndSwap(stored, next, lock);
  }

  /**
   * Writes `next` only if the file still holds the refresh token we spent.
   * Under a held lock it always does; the check guards a lock another process
   * took over while we stalled.
   */
  async #compareAndSwap(spent: AuthToken, next: AuthToken, lock: HeldLock): Promise<AuthToken> {
    if (!(await lock.confirm())) {
      const now = await this.#storage.loadToken();
      if (now !== null && now.refreshToken !== spent.refreshToken) return now;
    }
    await this.#storage.saveToken(next);
    return next;
  }

  async #afterInvalidGrant(spent: AuthToken, lock: HeldLock, error: unknown): Promise<AuthToken> {
    const now = await this.#storage.loadToken();
    if (now !== null && !now.reauthRequired && now.refreshToken !== spent.refreshToken) return now;
    if (await lock.confirm()) await this.#storage.saveToken(spent.with({ reauthRequired: true }));
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
