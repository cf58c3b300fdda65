import * as oauth from 'oauth4webapi';
import {
  AuthErrorCode,
  AuthenticationError,
  type OAuthErrorFields,
} from '../errors/authentication-error.js';
import { ResponseTooLargeError } from './http-client.js';

/** What to check when the server refused the client itself (RFC 6749 §5.2 `invalid_client`). */
const CLIENT_REFUSED_FIX =
  'check the client id and secret, and the authentication method the client is registered with at the provider: set CLAUDE_OAUTH_TOKEN_AUTH_METHOD (client_secret_basic or client_secret_post) to it';
/** RFC 6749 §5.2 errors about the client rather than the grant. */
const CLIENT_ERRORS: ReadonlySet<string> = new Set(['invalid_client', 'unauthorized_client']);

/** Keeps only the RFC 6749 §5.2 error fields of a response body, as strings. */
function errorFields(body: Record<string, unknown>): OAuthErrorFields {
  const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 500) : undefined);
  const description = text(body.error_description);
  const uri = text(body.error_uri);
  return {
    error: text(body.error) ?? 'unknown_error',
    ...(description !== undefined && { error_description: description }),
    ...(uri !== undefined && { error_uri: uri }),
  };
}

/**
 * Turns what an OAuth request threw into an {@link AuthenticationError}: an
 * RFC 6749 §5.2 error response → `TOKEN_ENDPOINT_ERROR` with the status and
 * the error fields only; a malformed, oversized or non-JSON response →
 * `INVALID_RESPONSE`; a network failure or timeout → `TOKEN_ENDPOINT_ERROR`.
 *
 * @param error - What was thrown.
 * @param what - The endpoint, for the message (e.g. "the token endpoint").
 * @param secrets - Values to redact from anything echoed back.
 */
export function toAuthenticationError(
  error: unknown,
  what: string,
  secrets: Iterable<string | undefined> = [],
): AuthenticationError {
  if (error instanceof AuthenticationError) return error;
  const options = { cause: error, secrets };
  if (error instanceof oauth.ResponseBodyError) {
    const fields = errorFields(error.cause);
    const detail = fields.error_description ? `: ${fields.error_description}` : '';
    return new AuthenticationError(
      AuthErrorCode.TOKEN_ENDPOINT_ERROR,
      `${what} refused the request (HTTP ${error.status}, ${fields.error}${detail}).`,
      {
        ...options,
        status: error.status,
        oauthError: fields,
        ...(CLIENT_ERRORS.has(fields.error) && { fix: CLIENT_REFUSED_FIX }),
      },
    );
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    const challenge = error.cause[0];
    const fields = errorFields({ ...challenge?.parameters });
    return new AuthenticationError(
      AuthErrorCode.TOKEN_ENDPOINT_ERROR,
      `${what} rejected the client's authentication (HTTP ${error.status}, ${fields.error}).`,
      {
        ...options,
        status: error.status,
        oauthError: fields,
        fix: CLIENT_REFUSED_FIX,
      },
    );
  }
  if (error instanceof ResponseTooLargeError) {
    return new AuthenticationError(
      AuthErrorCode.INVALID_RESPONSE,
      `${what} sent a response larger than ${error.limit} bytes; it was not read further.`,
      options,
    );
  }
  if (
    error instanceof oauth.OperationProcessingError ||
    error instanceof oauth.UnsupportedOperationError
  ) {
    // oauth4webapi puts the offending Response either as the cause or inside it.
    const cause = error.cause as { response?: unknown } | undefined;
    const response = cause instanceof Response ? cause : cause?.response;
    const status = response instanceof Response ? response.status : undefined;
    const statusText = status === undefined ? '' : ` (HTTP ${status})`;
    return new AuthenticationError(
      AuthErrorCode.INVALID_RESPONSE,
      `${what} sent an invalid response${statusText}: ${error.message}.`,
      { ...options, ...(status !== undefined && { status }) },
    );
  }
  const name = (error as Error | undefined)?.name;
  if (name === 'TimeoutError') {
    return new AuthenticationError(
      AuthErrorCode.TOKEN_ENDPOINT_ERROR,
      `${what} did not answer in time.`,
      {
        ...options,
        fix: 'check your network or proxy settings (HTTPS_PROXY), then retry',
      },
    );
  }
  if (name === 'AbortError') {
    return new AuthenticationError(
      AuthErrorCode.LOGIN_ABORTED,
      `The request to ${what} was cancelled.`,
      options,
    );
  }
  const reason =
    (error as { cause?: { code?: string } } | undefined)?.cause?.code ??
    (error as Error | undefined)?.message ??
    String(error);
  return new AuthenticationError(
    AuthErrorCode.TOKEN_ENDPOINT_ERROR,
    `Could not reach ${what} (${reason}).`,
    {
      ...options,
      fix: 'check the URL, your network and proxy settings (HTTPS_PROXY, NO_PROXY), then retry',
    },
  );
}
