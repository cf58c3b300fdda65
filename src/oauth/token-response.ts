import * as oauth from 'oauth4webapi';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import { type AccountInfo, AuthToken, type ProviderMetadata } from '../token/auth-token.js';

/**
 * The account described by OpenID Connect claims (from an ID token or the
 * UserInfo endpoint), keeping only the fields that identify the user.
 *
 * @param claims - The claims; `sub` is required.
 */
export function accountFromClaims(claims: { sub: string; [claim: string]: unknown }): AccountInfo {
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const account = Object.entries({
    subject: claims.sub,
    email: text(claims.email),
    name: text(claims.name),
  }).filter(([, value]) => value !== undefined);
  return Object.fromEntries(account) as AccountInfo;
}

function accountFromIdToken(response: oauth.TokenEndpointResponse): AccountInfo | undefined {
  const claims = oauth.getValidatedIdTokenClaims(response);
  return claims === undefined ? undefined : accountFromClaims(claims);
}

/**
 * Turns a validated token response (RFC 6749 §5.1) into an {@link AuthToken}.
 *
 * @param response - The response, already validated by oauth4webapi.
 * @param provider - Metadata to store for later refresh and revocation.
 * @param requestedScopes - Assumed granted when the response has no `scope` (RFC 6749 §5.1).
 * @param now - The time the response arrived, in epoch milliseconds.
 * @throws {@link AuthenticationError} `INVALID_RESPONSE` for a token type other than Bearer.
 */
export function tokenFromResponse(
  response: oauth.TokenEndpointResponse,
  provider: ProviderMetadata,
  requestedScopes: readonly string[],
  now: number,
): AuthToken {
  // Claude Code can only send bearer tokens (RFC 6750); DPoP or MAC tokens would fail later, obscurely.
  if (response.token_type.toLowerCase() !== 'bearer') {
    throw new AuthenticationError(
      AuthErrorCode.INVALID_RESPONSE,
      `The token endpoint issued a "${response.token_type.slice(0, 40)}" token; only Bearer tokens can be used.`,
    );
  }
  const account = accountFromIdToken(response);
  return new AuthToken({
    kind: 'oauth',
    accessToken: response.access_token,
    tokenType: 'Bearer',
    expiresAt:
      typeof response.expires_in === 'number' ? new Date(now + response.expires_in * 1000) : null,
    scopes:
      response.scope === undefined ? requestedScopes : response.scope.split(' ').filter(Boolean),
    provider,
    obtainedAt: new Date(now),
    ...(response.refresh_token !== undefined && { refreshToken: response.refresh_token }),
    ...(response.id_token !== undefined && { idToken: response.id_token }),
    ...(account !== undefined && { account }),
  });
}

/**
 * The `iss` claim of the ID token in a token response, read without
 * validating it: only to learn an issuer nobody configured, which
 * oauth4webapi then checks the ID token against (OpenID Connect Core §3.1.3.7).
 *
 * @param response - The token endpoint's response; it is cloned, not consumed.
 * @returns The issuer, or `undefined` when there is no readable ID token.
 */
export async function peekIdTokenIssuer(response: Response): Promise<string | undefined> {
  if (!response.ok) return undefined;
  try {
    const body = (await response.clone().json()) as { id_token?: unknown };
    if (typeof body.id_token !== 'string') return undefined;
    const payload = JSON.parse(
      Buffer.from(body.id_token.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as { iss?: unknown };
    return typeof payload.iss === 'string' && payload.iss !== '' ? payload.iss : undefined;
  } catch {
    return undefined;
  }
}
