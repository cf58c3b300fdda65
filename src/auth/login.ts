import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import { OAuthConfig } from '../oauth/oauth-config.js';
import { OAuthFlow, type OAuthFlowOptions, type OAuthLoginOptions } from '../oauth/oauth-flow.js';
import { revokeProviderToken } from '../oauth/provider-tokens.js';
import type { ProfileOptions } from '../storage/profile-paths.js';
import { TokenStorage } from '../storage/token-storage.js';
import type { AuthToken } from '../token/auth-token.js';

/** Options for {@link login}. */
export interface LoginOptions extends ProfileOptions, OAuthLoginOptions {
  /** The provider; default `OAuthConfig.fromEnv()`. */
  oauthConfig?: OAuthConfig;
  /** Use the device authorization grant (RFC 8628) instead of the browser redirect. */
  device?: boolean;
  /** Where to store the token; default the profile's storage. */
  storage?: TokenStorage;
  /** Replaceable parts of the flow (fetch, browser opener, input and output). */
  flow?: OAuthFlowOptions;
}

/** What {@link logout} did. */
export interface LogoutResult {
  /** Whether a stored credential was removed. */
  readonly removed: boolean;
  /** Whether the provider confirmed revoking it (RFC 7009). */
  readonly revoked: boolean;
  /** Why revocation failed, when it did; the local logout happened regardless. */
  readonly revocationError?: AuthenticationError;
}

function storageFor(options: ProfileOptions & { storage?: TokenStorage }): TokenStorage {
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
export async function login(options: LoginOptions = {}): Promise<AuthToken> {
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
export async function logout(
  options: ProfileOptions & { storage?: TokenStorage; flow?: Pick<OAuthFlowOptions, 'fetch'> } = {},
): Promise<LogoutResult> {
  const storage = storageFor(options);
  let token: AuthToken | null = null;
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
    return { removed, revoked: false, revocationError: error as AuthenticationError };
  }
}
