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
 */
export function tokenFromResponse(
  response: oauth.TokenEndpointResponse,
  provider: ProviderMetadata,
  requestedScopes: readonly string[],
  now: number,
): AuthToken {
  const account = accountFromIdToken(response);
  // oauth4webapi accepts any finite lifetime; one past the last representable date (±8.64e15 ms)
  // would be an invalid Date that can be neither judged nor stored: it states no usable expiry.
  const expiresAt =
    typeof response.expires_in === 'number' ? new Date(now + response.expires_in * 1000) : null;
  return new AuthToken({
    kind: 'oauth',
    accessToken: response.access_token,
    tokenType: 'Bearer',
    expiresAt: expiresAt === null || Number.isNaN(expiresAt.getTime()) ? null : expiresAt,
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

/** Fields of a token response (RFC 6749 §5.1, OIDC Core §3.1.3.3, RFC 8693 §2.2.1) that carry a credential. */
const CREDENTIAL_FIELDS = ['access_token', 'refresh_token', 'id_token', 'issued_token'] as const;

/** A token endpoint's response made ready for oauth4webapi, and the credentials it carries. */
export interface PreparedTokenResponse {
  readonly response: Response;
  /**
   * Every credential in the body, whatever its shape (an ID token that is not
   * a JWT matches no secret pattern): redact them from any error about it.
   */
  readonly credentials: readonly string[];
}

function unusableTokenType(type: string, credentials: readonly string[]): AuthenticationError {
  return new AuthenticationError(
    AuthErrorCode.INVALID_RESPONSE,
    `The token endpoint issued a "${type.slice(0, 40)}" token; Claude Code can send only Bearer tokens (RFC 6750), so it was not stored.`,
    {
      fix: "ask the provider's administrator to issue Bearer tokens to this client (for DPoP: turn off DPoP-bound access tokens for it)",
      secrets: credentials,
    },
  );
}

/**
 * Reads a successful token response before oauth4webapi does: collects the
 * credentials it carries; takes a missing `token_type` as `Bearer` (RFC 6749
 * §5.1 requires it, but a widely used issuer omits it, and Bearer is the only
 * type a server issues unasked: others, such as DPoP, need a proof the client
 * never sent); refuses any type other than Bearer, which Claude Code could
 * not use. Error responses pass through unchanged.
 *
 * @param response - The token endpoint's response; consumed only when it is rebuilt.
 * @returns The response to process (rebuilt when `token_type` was added) and its credentials.
 * @throws {@link AuthenticationError} `INVALID_RESPONSE` for a token type other than Bearer.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export async function prepareTokenResponse(response: Response): Promise<PreparedTokenResponse> {
  let body: unknown;
  try {
    body = await response.clone().json();
  } catch {
    return { response, credentials: [] };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { response, credentials: [] };
  const fields = body as Record<string, unknown>;
  const credentials = CREDENTIAL_FIELDS.flatMap((field) => {
    const value = fields[field];
    return typeof value === 'string' && value !== '' ? [value] : [];
  });
  if (!response.ok) return { response, credentials };
  const type = fields.token_type;
  if (typeof type === 'string' && type.toLowerCase() !== 'bearer')
    throw unusableTokenType(type, credentials);
  if (type !== undefined || typeof fields.access_token !== 'string')
    return { response, credentials };
  const headers = new Headers(response.headers);
  // The body is re-encoded here: its length and any transfer coding no longer apply.
  headers.delete('content-length');
  headers.delete('content-encoding');
  await response.body?.cancel();
  return {
    response: new Response(JSON.stringify({ ...fields, token_type: 'Bearer' }), {
      status: response.status,
      statusText: response.statusText,
      headers,
    }),
    credentials,
  };
}
