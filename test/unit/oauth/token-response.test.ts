import type * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { tokenFromResponse } from '../../../src/oauth/token-response.js';
import { parseTokenFile, serializeTokenFile } from '../../../src/token/token-file-format.js';

const provider = { clientId: 'cli', tokenEndpoint: 'https://idp.example/token' };
const NOW = Date.UTC(2026, 10, 27);

function response(expiresIn: number): oauth.TokenEndpointResponse {
  return {
    access_token: 'access-token-123456',
    token_type: 'bearer',
    expires_in: expiresIn,
  } as oauth.TokenEndpointResponse;
}

describe('tokenFromResponse: expires_in (RFC 6749 §5.1)', () => {
  it('turns a lifetime into an absolute expiry', () => {
    expect(tokenFromResponse(response(60), provider, [], NOW).expiresAt?.getTime()).toBe(
      NOW + 60_000,
    );
  });

  // oauth4webapi accepts any finite positive number; past ±8.64e15 ms a Date is invalid,
  // and an invalid expiry could neither be judged nor stored (toISOString throws RangeError).
  it.each([1e13, 1e300])(
    'treats %d s, beyond any date, as no stated expiry: the token can be stored and read back',
    (expiresIn) => {
      const token = tokenFromResponse(response(expiresIn), provider, [], NOW);
      expect(token.expiresAt).toBeNull();
      const stored = parseTokenFile(serializeTokenFile(token), '/tmp/tokens.json');
      expect(stored.expiresAt).toBeNull();
      expect(stored.accessToken).toBe('access-token-123456');
    },
  );
});
