import { describe, expect, it } from 'vitest';
import {
  AuthErrorCode,
  AuthenticationError,
  isAuthenticationError,
} from '../../../src/errors/authentication-error.js';

describe('AuthenticationError', () => {
  it('carries a stable code, a fix appended to the message, and its cause', () => {
    const cause = new Error('low level');
    const error = new AuthenticationError(AuthErrorCode.NOT_LOGGED_IN, 'Not logged in.', {
      fix: 'claude-auth login',
      cause,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('AuthenticationError');
    expect(error.code).toBe('NOT_LOGGED_IN');
    expect(error.fix).toBe('claude-auth login');
    expect(error.message).toBe('Not logged in. To fix: claude-auth login');
    expect(error.summary).toBe('Not logged in.');
    expect(error.cause).toMatchObject({ name: 'Error', message: 'low level' });
  });

  it('says "To fix:" once when it wraps another AuthenticationError (its summary, not its message)', () => {
    const inner = new AuthenticationError(AuthErrorCode.TOKEN_ENDPOINT_ERROR, 'Unreachable.', {
      fix: 'check the network',
    });
    const outer = new AuthenticationError(
      AuthErrorCode.REVOCATION_FAILED,
      `Not revoked: ${inner.summary}`,
      { cause: inner, fix: 'revoke it at the provider' },
    );
    expect(outer.message.match(/To fix:/g)).toHaveLength(1);
    expect(outer.cause).toBe(inner);
  });

  it('redacts secrets from message, fix, OAuth fields, stack and JSON', () => {
    const secret = 'opaque-value-123456';
    const error = new AuthenticationError(
      AuthErrorCode.TOKEN_ENDPOINT_ERROR,
      `refused ${secret} and Bearer abcdefghijkl`,
      {
        fix: `retry without ${secret}`,
        secrets: [secret],
        status: 400,
        oauthError: { error: 'invalid_grant', error_description: `token ${secret} reused` },
      },
    );
    const everything = [
      error.message,
      error.fix,
      error.stack,
      JSON.stringify(error),
      JSON.stringify(error.oauthError),
    ].join('\n');
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain('abcdefghijkl');
    expect(error.toJSON()).toMatchObject({
      code: 'TOKEN_ENDPOINT_ERROR',
      status: 400,
      oauthError: { error: 'invalid_grant' },
    });
  });

  it('has codes whose values equal their keys, so they read the same everywhere', () => {
    for (const [key, value] of Object.entries(AuthErrorCode)) expect(value).toBe(key);
  });

  it('is recognised by isAuthenticationError, optionally by code', () => {
    const error = new AuthenticationError(AuthErrorCode.PORT_IN_USE, 'busy');
    expect(isAuthenticationError(error)).toBe(true);
    expect(isAuthenticationError(error, AuthErrorCode.PORT_IN_USE)).toBe(true);
    expect(isAuthenticationError(error, AuthErrorCode.CONFIG_INVALID)).toBe(false);
    expect(isAuthenticationError(new Error('x'))).toBe(false);
  });
});
