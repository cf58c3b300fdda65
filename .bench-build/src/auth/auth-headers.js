import { resolveProfile } from '../storage/profile-paths.js';
import { ClaudeAuth } from './claude-auth.js';

/** One handler per profile file, so repeated calls share its token cache and refreshes. */
const handlers = new Map();
/**
 * The authentication headers for a direct HTTP call to the Messages API, by
 * the resolution chain of {@link ClaudeAuth} (the guide's `get_auth_headers`):
 * API key → `x-api-key`; Claude subscription → Bearer +
 * `anthropic-beta: oauth-2025-04-20`; gateway token → Bearer. Calls with the
 * same profile and no explicit key share one handler.
 *
 * @param options - Resolution options, and `forceRefresh` after a 401.
 * @throws {@link AuthenticationError} `NO_CREDENTIALS`, `REAUTH_REQUIRED`, …
 */
export async function getAuthHeaders(options = {}) {
  const { forceRefresh, ...authOptions } = options;
  const shareable =
    authOptions.apiKey === undefined &&
    authOptions.tokenStorage === undefined &&
    authOptions.fetch === undefined;
  let auth;
  if (shareable) {
    const key = JSON.stringify([
      resolveProfile(authOptions).path,
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
