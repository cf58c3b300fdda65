import * as oauth from 'oauth4webapi';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import type { AuthToken } from '../token/auth-token.js';
import { sendWithClientAuthentication } from './client-authentication.js';
import { createOAuthFetch, type OAuthFetch } from './http-client.js';
import { machineGrantEndpoints, reacquireMachineToken } from './machine-grant.js';
import { toAuthenticationError } from './oauth-errors.js';
import {
  endpointsFromMetadata,
  resourceParameters,
  withLearntIssuer,
} from './provider-endpoints.js';
import { peekIdTokenIssuer, prepareTokenResponse, tokenFromResponse } from './token-response.js';

/** Options for {@link refreshProviderToken} and {@link revokeProviderTokens}. */
export interface ProviderTokenOptions {
  /** The fetch for OAuth requests (default `createOAuthFetch()`). */
  fetch?: OAuthFetch;
  /** The clock, in epoch milliseconds. */
  now?: () => number;
  /** Cancels the request. */
  signal?: AbortSignal;
  /** Where a machine grant's secrets named by a variable are read (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

function providerOf(token: AuthToken, action: string) {
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
 * A machine credential (one with a `grant`) has no refresh token: it is
 * acquired again with the same grant, its secrets read from where the grant
 * says (DESIGN.md §6d).
 *
 * @param token - The stored token; must have a refresh token or a grant.
 * @param options - See {@link ProviderTokenOptions}.
 * @returns The new token; the caller keeps the old refresh token if none was issued.
 * @throws {@link AuthenticationError} `TOKEN_ENDPOINT_ERROR` (with `oauthError.error`
 *   `invalid_grant` when the refresh token was refused) or `INVALID_RESPONSE`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export async function refreshProviderToken(
  token: AuthToken,
  options: ProviderTokenOptions = {},
): Promise<AuthToken> {
  const provider = providerOf(token, 'refresh');
  if (token.grant !== undefined)
    return reacquireMachineToken(token, provider, token.grant, options);
  if (token.refreshToken === undefined) {
    throw new AuthenticationError(
      AuthErrorCode.REAUTH_REQUIRED,
      'This credential has no refresh token.',
      { fix: 'claude-auth login' },
    );
  }
  let endpoints = endpointsFromMetadata(provider, options.fetch ?? createOAuthFetch());
  const { refreshToken } = token;
  const now = options.now ?? Date.now;
  const secrets = [refreshToken, token.accessToken, provider.clientSecret];
  try {
    const sent = await sendWithClientAuthentication(endpoints, ({ as, client, clientAuth, http }) =>
      oauth.refreshTokenGrantRequest(as, client, clientAuth, refreshToken, {
        ...http(as.token_endpoint),
        additionalParameters: resourceParameters(provider.resource),
        ...(options.signal !== undefined && { signal: options.signal }),
      }),
    );
    endpoints = sent.endpoints;
    const { response, credentials } = await prepareTokenResponse(sent.response);
    secrets.push(...credentials);
    // A login that never learnt its issuer learns it from the first ID token, as a login does.
    const learnt = endpoints.issuer === 'unknown' ? await peekIdTokenIssuer(response) : undefined;
    if (learnt !== undefined) endpoints = withLearntIssuer(endpoints, learnt);
    const result = await oauth.processRefreshTokenResponse(
      endpoints.as,
      endpoints.client,
      response,
    );
    const next = tokenFromResponse(result, endpoints.metadata, token.scopes, now());
    // A refreshed ID token often carries only `sub`; keep what was known from the login.
    return token.account === undefined
      ? next
      : next.with({ account: { ...token.account, ...next.account } });
  } catch (error) {
    throw toAuthenticationError(error, 'the token endpoint', secrets);
  }
}

/** The outcome of revoking one token (RFC 7009 §2). */
export interface TokenRevocation {
  /** Which token: the refresh token or the access token (the `token_type_hint` sent). */
  readonly token: 'refresh_token' | 'access_token';
  /** Whether the provider confirmed it, or had already ended it with the first revocation. */
  readonly revoked: boolean;
  /**
   * How it ended: `confirmed` (HTTP 200), or `ended-by-first` when the
   * provider answered 400 for it after confirming the first revocation, which
   * ended the whole token family (RFC 7009 §2.1; §2.2 says such a token
   * should get 200, but several servers answer 400). Absent when not revoked.
   */
  readonly outcome?: 'confirmed' | 'ended-by-first';
  /** Why not, when it was not (`REVOCATION_FAILED`, with the HTTP status when there was one). */
  readonly error?: AuthenticationError;
}

/**
 * A revocation as `--json` output reports it (`logout`, `mcp logout`): the
 * error as its redacted `toJSON()`.
 *
 * @param revocation - One outcome of {@link revokeProviderTokens}.
 */
export function revocationJson({ token, revoked, outcome, error }: TokenRevocation) {
  return {
    token,
    revoked,
    ...(outcome !== undefined && { outcome }),
    ...(error !== undefined && { error: error.toJSON() }),
  };
}

function revocationFailed(what: string, cause: AuthenticationError): AuthenticationError {
  return new AuthenticationError(
    AuthErrorCode.REVOCATION_FAILED,
    `The provider did not confirm revoking the ${what}: ${cause.summary}`,
    {
      cause,
      fix: "revoke the session in your provider's account settings",
      ...(cause.status !== undefined && { status: cause.status }),
    },
  );
}

/**
 * Why a revocation endpoint answered other than 200 without an RFC 6749 §5.2
 * body (a bare 401 or 403, an HTML page): a refusal with its status, not a
 * complaint about the body's format.
 */
function refusedWithStatus(response: Response): AuthenticationError {
  return new AuthenticationError(
    AuthErrorCode.TOKEN_ENDPOINT_ERROR,
    `the revocation endpoint refused the request (HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}).`,
    {
      status: response.status,
      ...((response.status === 401 || response.status === 403) && {
        fix: 'check the client id, secret and authentication method (CLAUDE_OAUTH_TOKEN_AUTH_METHOD)',
      }),
    },
  );
}

async function hasOAuthErrorBody(response: Response): Promise<boolean> {
  try {
    const body = (await response.clone().json()) as { error?: unknown };
    return typeof body.error === 'string';
  } catch {
    return false;
  }
}

/** Whether a revocation refusal only says the token no longer exists (not a refusal of the client). */
function endedAlready(cause: AuthenticationError): boolean {
  const error = cause.oauthError?.error;
  return (
    cause.status === 400 &&
    error !== 'invalid_client' &&
    error !== 'unauthorized_client' &&
    error !== 'unsupported_token_type'
  );
}

/**
 * Revokes both tokens of a credential at its provider (RFC 7009): the access
 * token first, then the refresh token. Servers need not end the access tokens
 * of a revoked refresh token (§2.1 says SHOULD), so each is revoked and
 * reported on its own; revoking the refresh token first made servers that end
 * the whole family answer the access token's revocation with 400. When the
 * first revocation was confirmed, a 400 for the second means the first ended
 * it too, and is reported as such. A failure is reported, never thrown.
 *
 * @param token - The token to revoke.
 * @param options - See {@link ProviderTokenOptions}.
 * @returns One outcome per token sent, in the order sent; empty when the provider has no revocation endpoint.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` when the credential has no
 *   provider or names an insecure endpoint.
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2
 */
export async function revokeProviderTokens(
  token: AuthToken,
  options: ProviderTokenOptions = {},
): Promise<readonly TokenRevocation[]> {
  const provider = providerOf(token, 'revoke');
  if (provider.revocationEndpoint === undefined) return [];
  const fetch = options.fetch ?? createOAuthFetch();
  // A machine client authenticates as its grant says; its secret is not stored.
  const machine =
    token.grant === undefined
      ? undefined
      : await machineGrantEndpoints(provider, token.grant, {
          fetch,
          ...(options.env !== undefined && { env: options.env }),
        });
  let endpoints = machine?.endpoints ?? endpointsFromMetadata(provider, fetch);
  const secrets = [
    token.refreshToken,
    token.accessToken,
    provider.clientSecret,
    ...(machine?.secrets ?? []),
  ];
  const targets: [TokenRevocation['token'], string | undefined, string][] = [
    ['access_token', token.accessToken, 'access token'],
    ['refresh_token', token.refreshToken, 'refresh token'],
  ];
  const outcomes: TokenRevocation[] = [];
  for (const [hint, value, what] of targets) {
    if (value === undefined) continue;
    try {
      const sent = await sendWithClientAuthentication(
        endpoints,
        ({ as, client, clientAuth, http }) =>
          oauth.revocationRequest(as, client, clientAuth, value, {
            ...http(as.revocation_endpoint),
            additionalParameters: { token_type_hint: hint },
            ...(options.signal !== undefined && { signal: options.signal }),
          }),
      );
      endpoints = sent.endpoints;
      const { response } = sent;
      if (response.status !== 200 && !(await hasOAuthErrorBody(response)))
        throw refusedWithStatus(response);
      await oauth.processRevocationResponse(response);
      outcomes.push({ token: hint, revoked: true, outcome: 'confirmed' });
    } catch (error) {
      const cause = toAuthenticationError(error, 'the revocation endpoint', secrets);
      const firstConfirmed = outcomes[0]?.outcome === 'confirmed';
      outcomes.push(
        firstConfirmed && endedAlready(cause)
          ? { token: hint, revoked: true, outcome: 'ended-by-first' }
          : { token: hint, revoked: false, error: revocationFailed(what, cause) },
      );
    }
  }
  return outcomes;
}

/**
 * Revokes a credential at its provider (RFC 7009): both its access and its
 * refresh token (see {@link revokeProviderTokens}).
 *
 * @param token - The token to revoke.
 * @param options - See {@link ProviderTokenOptions}.
 * @returns `false` when the provider has no revocation endpoint.
 * @throws {@link AuthenticationError} `REVOCATION_FAILED` for the first token the provider did not revoke.
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2
 */
export async function revokeProviderToken(
  token: AuthToken,
  options: ProviderTokenOptions = {},
): Promise<boolean> {
  const outcomes = await revokeProviderTokens(token, options);
  const failed = outcomes.find((outcome) => outcome.error !== undefined);
  if (failed?.error !== undefined) throw failed.error;
  return outcomes.length > 0;
}
