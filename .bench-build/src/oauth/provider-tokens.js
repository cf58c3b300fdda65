import * as oauth from 'oauth4webapi';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import { createOAuthFetch } from './http-client.js';
import { toAuthenticationError } from './oauth-errors.js';
import { endpointsFromMetadata } from './provider-endpoints.js';
import { tokenFromResponse } from './token-response.js';

function providerOf(token, action) {
  if (token.provider === undefined) {
    throw new AuthenticationError(
      AuthErrorCode.CONFIG_INVALID,
      `This credential has no OAuth provider to ${action} it with.`,
      {
        fix: 'claude-auth login',
      },
    );
  }
  return token.provider;
}
/**
 * Refreshes an OAuth token at the provider it came from (RFC 6749 §6), using
 * only what was stored with it. Suitable as a `TokenManager` refresh function.
 *
 * @param token - The stored token; must have a refresh token.
 * @param options - See {@link ProviderTokenOptions}.
 * @returns The new token; the caller keeps the old refresh token if none was issued.
 * @throws {@link AuthenticationError} `TOKEN_ENDPOINT_ERROR` (with `oauthError.error`
 *   `invalid_grant` when the refresh token was refused) or `INVALID_RESPONSE`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export async function refreshProviderToken(token, options = {}) {
  const provider = providerOf(token, 'refresh');
  if (token.refreshToken === undefined) {
    throw new AuthenticationError(
      AuthErrorCode.REAUTH_REQUIRED,
      'This credential has no refresh token.',
      { fix: 'claude-auth login' },
    );
  }
  const { as, client, clientAuth, http, metadata } = endpointsFromMetadata(
    provider,
    options.fetch ?? createOAuthFetch(),
  );
  const now = options.now ?? Date.now;
  try {
    const response = await oauth.refreshTokenGrantRequest(
      as,
      client,
      clientAuth,
      token.refreshToken,
      {
        ...http,
        ...(options.signal !== undefined && { signal: options.signal }),
      },
    );
    const result = await oauth.processRefreshTokenResponse(as, client, response);
    const next = tokenFromResponse(result, metadata, token.scopes, now());
    // A refreshed ID token often carries only `sub`; keep what was known from the login.
    return token.account === undefined
      ? next
      : next.with({ account: { ...token.account, ...next.account } });
  } catch (error) {
    throw toAuthenticationError(error, 'the token endpoint', [
      token.refreshToken,
      token.accessToken,
      provider.clientSecret,
    ]);
  }
}
/**
 * Revokes a token at its provider (RFC 7009): the refresh token when there is
 * one (which, per §2.1, should also end its access tokens), else the access token.
 *
 * @param token - The token to revoke.
 * @param options - See {@link ProviderTokenOptions}.
 * @returns `false` when the provider has no revocation endpoint.
 * @throws {@link AuthenticationError} `REVOCATION_FAILED`.
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2
 */
export async function revokeProviderToken(token, options = {}) {
  const provider = providerOf(token, 'revoke');
  if (provider.revocationEndpoint === undefined) return false;
  const { as, client, clientAuth, http } = endpointsFromMetadata(
    provider,
    options.fetch ?? createOAuthFetch(),
  );
  const [value, hint] =
    token.refreshToken !== undefined
      ? [token.refreshToken, 'refresh_token']
      : [token.accessToken, 'access_token'];
  try {
    const response = await oauth.revocationRequest(as, client, clientAuth, value, {
      ...http,
      additionalParameters: { token_type_hint: hint },
      ...(options.signal !== undefined && { signal: options.signal }),
    });
    await oauth.processRevocationResponse(response);
    return true;
  } catch (error) {
    const cause = toAuthenticationError(error, 'the revocation endpoint', [
      token.refreshToken,
      token.accessToken,
    ]);
    throw new AuthenticationError(
      AuthErrorCode.REVOCATION_FAILED,
      `The provider did not confirm the revocation: ${cause.message}`,
      {
        cause,
        fix: "revoke the session in your provider's account settings",
        ...(cause.status !== undefined && { status: cause.status }),
      },
    );
  }
}
