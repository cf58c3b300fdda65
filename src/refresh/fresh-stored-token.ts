import type { StoredCredential } from '../store/credential-store.js';
import type { AuthToken } from '../token/auth-token.js';
import { credentialStanding } from './credential-standing.js';

/**
 * A stored token the refresh policy says nothing about is due
 * (`credentialStanding` is `fresh`): what `TokenManager.getValidToken` would
 * hand out at once. For a caller that answers a fresh token without the
 * manager, its lease or a provider, and leaves everything else (nothing
 * stored, a token due) to the token manager: `claude-auth token` and
 * `mcp headers` at start-up (issue 23).
 *
 * @param stored - What the store holds (`null`: nothing).
 * @param now - The current time in epoch ms.
 * @returns The token, or `undefined` when the token manager must decide.
 */
export function freshStoredToken(
  stored: StoredCredential | null,
  now: number = Date.now(),
): AuthToken | undefined {
  if (stored === null) return undefined;
  return credentialStanding(stored.token, now).state === 'fresh' ? stored.token : undefined;
}
