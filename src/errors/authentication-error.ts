import { redactSecrets } from './redact.js';
import { redactCause } from './redact-cause.js';

/**
 * Every code an {@link AuthenticationError} can carry. The string values are
 * stable: scripts may match on them, and they appear in `--json` output.
 */
export const AuthErrorCode = {
  /** An `OAuthConfig` value (or the environment variable behind it) is missing or malformed. */
  CONFIG_INVALID: 'CONFIG_INVALID',
  /** No credential of any kind could be found; the message names the command that fixes it. */
  NO_CREDENTIALS: 'NO_CREDENTIALS',
  /** The profile has no stored credential. */
  NOT_LOGGED_IN: 'NOT_LOGGED_IN',
  /** The stored credential can no longer be used or refreshed; a new login is needed. */
  REAUTH_REQUIRED: 'REAUTH_REQUIRED',
  /** The token file is not valid JSON of the expected shape. It is left as it is. */
  STORAGE_CORRUPT: 'STORAGE_CORRUPT',
  /** The token file was written by a newer claude-auth. It is left as it is. */
  STORAGE_VERSION_UNSUPPORTED: 'STORAGE_VERSION_UNSUPPORTED',
  /** The token file or its directory is readable or writable by other users, or owned by another user. */
  STORAGE_INSECURE: 'STORAGE_INSECURE',
  /** Another process held the token file's lock for longer than the bounded wait. */
  STORAGE_LOCK_TIMEOUT: 'STORAGE_LOCK_TIMEOUT',
  /** Reading or writing the token file failed at the operating-system level. */
  STORAGE_IO: 'STORAGE_IO',
  /** A credential store (a Redis server, the OS keychain) did not answer, or answered with an error; the message names its address and the fix. */
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
  /** A shared store's record is encrypted with a key this process does not hold; it is left as it is. */
  STORE_KEY_MISMATCH: 'STORE_KEY_MISMATCH',
  /** The token endpoint answered with an error (RFC 6749 §5.2) or an HTTP failure. */
  TOKEN_ENDPOINT_ERROR: 'TOKEN_ENDPOINT_ERROR',
  /** A server answered with something that is not a valid OAuth response. */
  INVALID_RESPONSE: 'INVALID_RESPONSE',
  /** The callback's `state` did not match the one sent (RFC 6749 §10.12). */
  STATE_MISMATCH: 'STATE_MISMATCH',
  /** The callback's `iss` did not match the expected issuer (RFC 9207). */
  ISSUER_MISMATCH: 'ISSUER_MISMATCH',
  /** The user or the server refused the authorization (RFC 6749 §4.1.2.1 `access_denied`). */
  ACCESS_DENIED: 'ACCESS_DENIED',
  /** The authorization server returned another error to the redirect URI (RFC 6749 §4.1.2.1). */
  AUTHORIZATION_ERROR: 'AUTHORIZATION_ERROR',
  /** The login did not complete in time. */
  LOGIN_TIMEOUT: 'LOGIN_TIMEOUT',
  /** The login was cancelled (an `AbortSignal`, or Ctrl-C). */
  LOGIN_ABORTED: 'LOGIN_ABORTED',
  /** The loopback port of the redirect URI is taken by another program. */
  PORT_IN_USE: 'PORT_IN_USE',
  /** The device code expired before the user approved it (RFC 8628 §3.5 `expired_token`). */
  DEVICE_CODE_EXPIRED: 'DEVICE_CODE_EXPIRED',
  /** A machine grant's identity token (a CI platform's, a service account's) expired before it was sent; the fix names its variable or file. */
  IDENTITY_TOKEN_EXPIRED: 'IDENTITY_TOKEN_EXPIRED',
  /** Revoking a token at the provider failed (RFC 7009); the local logout still happened. */
  REVOCATION_FAILED: 'REVOCATION_FAILED',
  /** The Claude Code binary could not be found. */
  CLI_NOT_FOUND: 'CLI_NOT_FOUND',
  /** The official Claude Code login failed or produced no token. */
  CLI_LOGIN_FAILED: 'CLI_LOGIN_FAILED',
  /** The Claude API rejected the credential (HTTP 401 or 403). */
  API_AUTH_FAILED: 'API_AUTH_FAILED',
  /** A user setting of Claude Code would override the credential claude-auth injects. */
  SETTINGS_CONFLICT: 'SETTINGS_CONFLICT',
  /**
   * The installed `@anthropic-ai/claude-agent-sdk` (a peer dependency) is
   * missing, or outside the range claude-auth supports: a query refuses it
   * before starting anything.
   */
  SDK_UNSUPPORTED: 'SDK_UNSUPPORTED',
} as const;

/** One of the stable string codes of {@link AuthErrorCode}. */
export type AuthErrorCode = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];

/** The error fields an OAuth server may return, and nothing else (RFC 6749 §5.2). */
export interface OAuthErrorFields {
  readonly error: string;
  readonly error_description?: string;
  readonly error_uri?: string;
}

/** Details for {@link AuthenticationError}. */
export interface AuthenticationErrorOptions {
  /** The command (or action) that resolves the problem, shown to the user. */
  fix?: string;
  /**
   * The underlying error. Kept as a redacted copy (see `redactCause`): its chain
   * keeps names, messages and RFC 6749 §5.2 fields, never a response body.
   */
  cause?: unknown;
  /** The HTTP status of the response that caused the error, if any. */
  status?: number;
  /** The RFC 6749 §5.2 error fields of the response that caused the error, if any. */
  oauthError?: OAuthErrorFields;
  /** Exact secret values to scrub from the message, beyond the recognised shapes. */
  secrets?: Iterable<string | undefined>;
}

/**
 * The one error type of claude-auth. `code` is stable and machine-readable;
 * `message` says what happened and, with `fix`, what to do next. Secrets are
 * redacted from the message and from every property.
 *
 * @example
 * ```ts
 * try { await auth.getAuthHeaders(); }
 * catch (e) { if (e instanceof AuthenticationError && e.code === AuthErrorCode.REAUTH_REQUIRED) … }
 * ```
 */
export class AuthenticationError extends Error {
  override readonly name = 'AuthenticationError';
  /** Stable code; see {@link AuthErrorCode}. */
  readonly code: AuthErrorCode;
  /** What happened, without the fix (the `message` is this plus "To fix: …"). */
  readonly summary: string;
  /** The command that resolves the problem, if there is one. */
  readonly fix: string | undefined;
  /** The HTTP status behind the error, if any. */
  readonly status: number | undefined;
  /** The RFC 6749 §5.2 fields of the server's error response, redacted. */
  readonly oauthError: OAuthErrorFields | undefined;

  /**
   * Creates the error, redacting secrets from everything it carries.
   *
   * @param code - One of {@link AuthErrorCode}.
   * @param message - What happened, in a sentence, without the fix: the fix is appended when given.
   * @param options - See {@link AuthenticationErrorOptions}.
   */
  constructor(code: AuthErrorCode, message: string, options: AuthenticationErrorOptions = {}) {
    const secrets = [...(options.secrets ?? [])];
    const clean = (text: string) => redactSecrets(text, secrets);
    const fix = options.fix === undefined ? undefined : clean(options.fix);
    const summary = clean(message);
    super(fix === undefined ? summary : `${summary} To fix: ${fix}`, {
      cause:
        options.cause instanceof AuthenticationError
          ? options.cause
          : redactCause(options.cause, secrets),
    });
    this.code = code;
    this.summary = summary;
    this.fix = fix;
    this.status = options.status;
    this.oauthError = options.oauthError && {
      error: clean(options.oauthError.error),
      ...(options.oauthError.error_description !== undefined && {
        error_description: clean(options.oauthError.error_description),
      }),
      ...(options.oauthError.error_uri !== undefined && {
        error_uri: clean(options.oauthError.error_uri),
      }),
    };
    if (this.stack) this.stack = clean(this.stack);
  }

  /** A JSON form with only safe, stable fields (for `--json` output and logs). */
  toJSON(): {
    name: string;
    code: AuthErrorCode;
    message: string;
    fix?: string;
    status?: number;
    oauthError?: OAuthErrorFields;
  } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.fix !== undefined && { fix: this.fix }),
      ...(this.status !== undefined && { status: this.status }),
      ...(this.oauthError !== undefined && { oauthError: this.oauthError }),
    };
  }
}

/**
 * Whether `value` is an {@link AuthenticationError}, optionally with the given code.
 *
 * @param value - Anything caught.
 * @param code - When given, the code it must carry.
 */
export function isAuthenticationError(
  value: unknown,
  code?: AuthErrorCode,
): value is AuthenticationError {
  return value instanceof AuthenticationError && (code === undefined || value.code === code);
}
