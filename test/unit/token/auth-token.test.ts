import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AuthToken } from '../../../src/token/auth-token.js';
import { oauthToken } from '../../helpers/tokens.js';

describe('AuthToken', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('is expired at and after its expiry, and earlier by the skew', () => {
    const token = oauthToken(60_000, now);
    expect(token.isExpired(0, now)).toBe(false);
    expect(token.isExpired(0, now + 59_999)).toBe(false);
    expect(token.isExpired(0, now + 60_000)).toBe(true);
    expect(token.isExpired(30_000, now + 30_000)).toBe(true);
    expect(token.isExpired(30_000, now + 29_999)).toBe(false);
    expect(token.remainingMs(now)).toBe(60_000);
  });

  it('never expires without a known expiry', () => {
    const token = new AuthToken({
      kind: 'claude-subscription',
      accessToken: 'x'.repeat(20),
      expiresAt: null,
    });
    expect(token.isExpired(10 ** 12, now)).toBe(false);
    expect(token.remainingMs(now)).toBe(Number.POSITIVE_INFINITY);
    expect(token.tokenType).toBe('Bearer');
  });

  it('exposes its secrets as properties but never prints them', () => {
    const token = oauthToken(60_000, now, {
      idToken: 'id-token-secret-value',
      provider: {
        clientId: 'c',
        clientSecret: 'client-secret-value',
        tokenEndpoint: 'https://idp.example/token',
      },
    });
    const secrets = [token.accessToken, token.refreshToken, token.idToken, 'client-secret-value'];
    for (const rendering of [
      String(token),
      JSON.stringify(token),
      inspect(token),
      inspect({ nested: token }, { depth: 5 }),
    ]) {
      for (const secret of secrets) expect(rendering).not.toContain(secret);
    }
    expect(JSON.parse(JSON.stringify(token))).toMatchObject({
      accessToken: '[REDACTED]',
      refreshToken: '[REDACTED]',
      kind: 'oauth',
    });
  });

  it('makes changed copies and stays immutable', () => {
    const token = oauthToken(60_000, now);
    const marked = token.with({ reauthRequired: true });
    expect(marked.reauthRequired).toBe(true);
    expect(marked.accessToken).toBe(token.accessToken);
    expect(token.reauthRequired).toBe(false);
    expect(Object.isFrozen(token)).toBe(true);
  });
});
