import type { AuthToken } from '../token/auth-token.js';
import { credentialStanding } from './credential-standing.js';
import type { RefreshFunction, TokenManager } from './token-manager.js';

/**
 * Refreshes at the provider stored with the token, loading the OAuth client
 * only when a refresh is due: a helper that prints a fresh token (run at
 * every connect) must start fast.
 */
export const lazyProviderRefresh: RefreshFunction = async (token, { signal }) =>
  (await import('../oauth/provider-tokens.js')).refreshProviderToken(
    token,
    signal === undefined ? {} : { signal },
  );

/**
 * The token a helper command prints (`claude-auth token` as an apiKeyHelper,
 * `claude-auth mcp headers` as a headersHelper): the caller caches it (Claude
 * Code keeps an apiKeyHelper's answer 5 minutes, a headersHelper's for the
 * whole connection), so without `minTtlMs` a token the refresh policy finds
 * anything but fresh is refreshed first. The held token is marked replaced and
 * asked for again, so a refresh already in flight (the manager's advisory
 * background refresh, another process's) is joined, never followed by a second
 * one. A fixed minimum would refresh a token that lives no longer than it on
 * every call.
 *
 * @param manager - The credential's token manager.
 * @param minTtlMs - The token must stay valid at least this long, if given.
 * @throws As {@link TokenManager.getValidToken}.
 */
export async function helperToken(manager: TokenManager, minTtlMs?: number): Promise<AuthToken> {
  const token = await manager.getValidToken(minTtlMs === undefined ? {} : { minTtlMs });
  // One rule for "is it due?" (credentialStanding): only a refreshable token in its
  // advisory or mandatory window is refreshed first.
  const { state } = credentialStanding(token, Date.now());
  if (minTtlMs !== undefined || (state !== 'advisory' && state !== 'mandatory')) return token;
  manager.invalidate(token);
  return manager.getValidToken();
}
