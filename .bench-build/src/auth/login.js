import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import { OAuthConfig } from '../oauth/oauth-config.js';
import { OAuthFlow } from '../oauth/oauth-flow.js';
import { revokeProviderToken } from '../oauth/provider-tokens.js';
import { TokenStorage } from '../storage/token-storage.js';

function storageFor(options) {
  return options.storage ?? TokenStorage.forProfile(options);
}
/**
 * Logs in to the configured OAuth provider and stores the token, with what a
 * later refresh or logout needs, in the profile's file.
 *
 * @param options - See {@link LoginOptions}.
 * @returns The stored token.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` when no provider is
 *   configured, and the login's own errors (nothing is stored then).
 */
export async function login(options = {}) {
  const config = options.oauthConfig ?? OAuthConfig.fromEnv(options.env);
  if (config === undefined) {
    throw new AuthenticationError(
      AuthErrorCode.CONFIG_INVALID,
      'No OAuth provider is configured.',
      {
        fix: 'set CLAUDE_OAUTH_CLIENT_ID and CLAUDE_OAUTH_ISSUER (or the authorize and token URLs), or pass an OAuthConfig',
      },
    );
  }
  const flow = new OAuthFlow(config, options.flow);
  const token =
    options.device === true ? await flow.loginWithDevice(options) : await flow.login(options);
  await storageFor(options).saveToken(token);
  return token;
}
/**
 * Logs out: removes the stored credential first — always, offline too — then
 * asks the provider to revoke it when it can (RFC 7009). A failed revocation
 * is reported in the result, not thrown.
 *
 * @param options - The profile (or `storage`) to log out, and `flow.fetch` for the revocation.
 */
export async function logout(options = {}) {
  const storage = storageFor(options);
  let token = null;
  try {
    token = await storage.loadToken();
  } catch {
    // An unreadable or insecure file is still removed: logging out must always work.
  }
  const removed = await storage.deleteToken();
  if (token?.kind !== 'oauth' || token.provider?.revocationEndpoint === undefined)
    return { removed, revoked: false };
  try {
    const revoked = await revokeProviderToken(
      token,
      options.flow?.fetch ? { fetch: options.flow.fetch } : {},
    );
    return { removed, revoked };
  } catch (error) {
    return { removed, revoked: false, revocationError: error };
  }
}
