import { ClaudeAuth, type ClaudeAuthOptions } from './claude-auth.js';

/** One handler per set of options, so repeated calls share its token cache and refreshes. */
const handlers = new Map<string, ClaudeAuth>();

/**
 * The options a shared handler may be keyed by: plain values that serialise
 * exactly. A call with any other option (a key, a storage, a provider
 * configuration, a fetch, a clock, login parts) gets a handler of its own, so
 * no call is ever answered by a handler made for different options.
 */
const KEYABLE_OPTIONS: ReadonlySet<string> = new Set([
  'profile',
  'directory',
  'env',
  'useOAuth',
  'apiKeyFallback',
  'useClaudeCodeLogin',
  'interactiveLogin',
]);

/** The cache key of a call's options, or `undefined` when they cannot be shared. */
function handlerKey(options: ClaudeAuthOptions): string | undefined {
  const given = Object.entries(options).filter(([, value]) => value !== undefined);
  if (!given.every(([name]) => KEYABLE_OPTIONS.has(name))) return undefined;
  return JSON.stringify(given.sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * The authentication headers for a direct HTTP call to the Messages API, by
 * the resolution chain of {@link ClaudeAuth} (the guide's `get_auth_headers`):
 * API key → `x-api-key`; Claude subscription → Bearer +
 * `anthropic-beta: oauth-2025-04-20`; gateway token → Bearer. Calls with the
 * same plain options (profile, directory, env, and the chain's switches) share
 * one handler and its token cache; a call with an object option (`apiKey`,
 * `oauthConfig`, `tokenStorage`, `fetch`, …) gets its own. The profile a call
 * without `profile` means is fixed when that handler is first made.
 *
 * The returned object also carries the resolved credential, not enumerable,
 * so that `AuthenticationMiddleware` sends it where it belongs (a gateway
 * token to its API base URL; Claude Code's own login by injecting nothing).
 *
 * @param options - Resolution options, and `forceRefresh` after a 401.
 * @throws {@link AuthenticationError} `NO_CREDENTIALS`, `REAUTH_REQUIRED`, …
 */
export async function getAuthHeaders(
  options: ClaudeAuthOptions & { forceRefresh?: boolean } = {},
): Promise<Record<string, string>> {
  const { forceRefresh, ...authOptions } = options;
  // Keyed by what the caller passed, so a call costs no file-system look-up.
  const key = handlerKey(authOptions);
  let auth: ClaudeAuth;
  if (key !== undefined) {
    auth = handlers.get(key) ?? new ClaudeAuth(authOptions);
    handlers.set(key, auth);
  } else {
    auth = new ClaudeAuth(authOptions);
  }
  return auth.getAuthHeaders({ forceRefresh: forceRefresh === true });
}
