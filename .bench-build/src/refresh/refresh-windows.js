/**
 * Within this long of expiry a token is refreshed in the background while
 * callers keep using it: the refresh has time to succeed, or to be retried,
 * before anyone has to wait.
 */
export const ADVISORY_REFRESH_WINDOW_MS = 5 * 60_000;
/**
 * Within this long of expiry callers wait for the refresh: a token handed out
 * now could expire before the request that carries it arrives.
 */
export const MANDATORY_REFRESH_WINDOW_MS = 30_000;
