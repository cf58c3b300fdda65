import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../../src/errors/redact.js';

// Exact outputs: a pattern that matched only the first character of a secret
// would still "contain the prefix and [REDACTED]" while leaking the rest.
describe('redactSecrets removes the whole secret, not a prefix of it', () => {
  it.each([
    [
      'a JWT, signature included',
      'id eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl end',
      'id eyJ[REDACTED] end',
    ],
    [
      'a bearer value',
      'Authorization: Bearer abcdefgh12345678',
      'Authorization: Bearer [REDACTED]',
    ],
    [
      'a bearer value after several spaces',
      'Authorization: Bearer   abcdefgh12345678',
      'Authorization: Bearer   [REDACTED]',
    ],
    ['a Basic client credential', 'auth=Basic Y2xpOlRPUFNFQ1JFVA==', 'auth=Basic [REDACTED]'],
    [
      'a Basic client credential after several spaces',
      'Authorization: Basic   Y2xpOlRPUFNFQ1JFVA==',
      'Authorization: Basic   [REDACTED]',
    ],
    [
      'an authorization code in a URL',
      'GET /callback?code=abcdef123&state=s',
      'GET /callback?code=[REDACTED]&state=s',
    ],
    [
      'a token parameter written with spaces',
      'refresh_token = rt-1234567890',
      'refresh_token = [REDACTED]',
    ],
  ])('%s', (_name, text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });

  it('removes a known secret of exactly 8 characters, and no shorter one', () => {
    expect(redactSecrets('pw=Xy7#kq2! and abc', ['Xy7#kq2!', 'abc'])).toBe('pw=[REDACTED] and abc');
  });
});
