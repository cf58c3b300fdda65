import { ClaudeAuth, type ClaudeAuthOptions } from './claude-auth.js';

/** One handler per profile file, so repeated calls share its token cache and refreshes. */
const handlers = new Map<string, ClaudeAuth>();

/**
 * The authentication headers for a direct HTTP call to the Messages API, by
 * the resolution chain of {@link ClaudeAuth} (the guide's `get_auth_headers`):
 * API key → `x-api-key`; Claude subscription → Bearer +
 * `anthropic-beta: oauth-2025-04-20`; gateway token → Bearer. Calls with the
 * same options (and no explicit key, storage or fetch) share one handler and
 * its token cache; the profile a call without `profile` means is fixed when
 * that handler is first made.
 *
 * @param options - Resolution options, and `forceRefresh` after a 401.
 * @throws {@link AuthenticationError} `NO_CREDENTIALS`, `REAUTH_REQUIRED`, …
 */
export async function getAuthHeaders(
  options: ClaudeAuthOptions & { forceRefresh?: boolean } = {},
): Promise<Record<string, string>> {
  const { forceRefresh, ...authOptions } = options;
  const shareable =
    authOptions.apiKey === undefined &&
    authOptions.tokenStorage === undefined &&
    authOptions.fetch === undefined;
  let auth: ClaudeAuth;
  if (shareable) {
    // Keyed by what the caller passed, so a call costs no file-system look-up.
    const key = JSON.stringify([
      authOptions.profile ?? null,
      authOptions.directory ?? null,
      authOptions.useOAuth ?? true,
      authOptions.apiKeyFallback ?? true,
      authOptions.env ?? null,
    ]);
    auth = handlers.get(key) ?? new ClaudeAuth(authOptions);
    handlers.set(key, auth);
  } else {
    auth = new ClaudeAuth(authOptions);
  }
  return auth.getAuthHeaders({ forceRefresh: forceRefresh === true });
}
