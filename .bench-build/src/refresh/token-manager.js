import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import { loginCommand } from '../storage/fix-commands.js';
import { ADVISORY_REFRESH_WINDOW_MS, MANDATORY_REFRESH_WINDOW_MS } from './refresh-windows.js';

/**
 * One refresh in flight per token file in this process, shared by every
 * manager and caller of that file, so a herd of callers costs one request.
 */
const refreshesInFlight = new Map();
function isInvalidGrant(error) {
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
  #storage;
  #refresh;
  #now;
  #advisoryMs;
  #mandatoryMs;
  #lock;
  #onBackgroundError;
  #cached;
  #loading;
  #invalidatedAccessToken;
  /** @param options - See {@link TokenManagerOptions}. */
  constructor(options) {
    this.#storage = options.storage;
    this.#refresh = options.refresh;
    this.#now = options.now ?? Date.now;
    this.#advisoryMs = options.advisoryWindowMs ?? ADVISORY_REFRESH_WINDOW_MS;
    this.#mandatoryMs = options.mandatoryWindowMs ?? MANDATORY_REFRESH_WINDOW_MS;
    this.#lock = options.lock ?? {};
    this.#onBackgroundError = options.onBackgroundRefreshError ?? (() => undefined);
  }
  /** The storage this manager serves. */
  get storage() {
    return this.#storage;
  }
  /**
   * A token valid for at least `minTtlMs`, refreshed first when needed.
   *
   * @param options - See {@link GetTokenOptions}.
   * @throws {@link AuthenticationError} `NOT_LOGGED_IN`, `REAUTH_REQUIRED`, a storage
   *   error, or the refresh's own error (stored credentials are left intact).
   */
  async getValidToken(options = {}) {
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
  async refreshNow(signal) {
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
  invalidate(token) {
    this.#invalidatedAccessToken = (token ?? this.#cached)?.accessToken;
  }
  /** The first read of the file, shared by every caller that arrives before it completes. */
  #loadOnce() {
    this.#loading ??= this.#loadStored().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }
  async #loadStored() {
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
  #assertUsable(token) {
    if (token.reauthRequired) throw this.#reauthRequired('the provider refused its refresh token');
  }
  #profileSuffix() {
    return this.#storage.profile === undefined ? '' : ` (profile "${this.#storage.profile}")`;
  }
  #reauthRequired(reason, cause) {
    return new AuthenticationError(
      AuthErrorCode.REAUTH_REQUIRED,
      `The stored credential${this.#profileSuffix()} can no longer be used: ${reason}.`,
      { fix: loginCommand(this.#storage.profile), cause },
    );
  }
  #sharedRefresh(held, signal) {
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
  #adopt(token) {
    this.#cached = token;
    if (this.#invalidatedAccessToken !== token.accessToken)
      this.#invalidatedAccessToken = undefined;
    return token;
  }
  async #refreshUnderLock(held, lock) {
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
    let next;
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
  async #compareAndSwap(spent, next, lock) {
    if (!lock.isHeld()) {
      const now = await this.#storage.loadToken();
      if (now !== null && now.refreshToken !== spent.refreshToken) return now;
    }
    await this.#storage.saveToken(next);
    return next;
  }
  async #afterInvalidGrant(spent, lock, error) {
    const now = await this.#storage.loadToken();
    if (now !== null && !now.reauthRequired && now.refreshToken !== spent.refreshToken) return now;
    if (lock.isHeld()) await this.#storage.saveToken(spent.with({ reauthRequired: true }));
    this.#cached = undefined;
    throw this.#reauthRequired('the provider refused its refresh token (invalid_grant)', error);
  }
}
function abortable(promise, signal) {
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
