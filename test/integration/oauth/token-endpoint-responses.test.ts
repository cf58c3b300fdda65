import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { createOAuthFetch } from '../../../src/oauth/http-client.js';
import { refreshProviderToken } from '../../../src/oauth/provider-tokens.js';
import { TokenManager } from '../../../src/refresh/token-manager.js';
import { freshStorage } from '../../helpers/oauth-fixture.js';
import { scriptedServer } from '../../helpers/scripted-http-server.js';
import { oauthToken } from '../../helpers/tokens.js';

const json = (response: ServerResponse, status: number, body: unknown) =>
  response
    .writeHead(status, { 'content-type': 'application/json' })
    .end(typeof body === 'string' ? body : JSON.stringify(body));

const cases: [string, (response: ServerResponse) => void, string, number | undefined][] = [
  [
    'an HTML page',
    (r) => r.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>'),
    AuthErrorCode.INVALID_RESPONSE,
    200,
  ],
  [
    'a 500 with HTML',
    (r) => r.writeHead(500, { 'content-type': 'text/html' }).end('<h1>oops</h1>'),
    AuthErrorCode.INVALID_RESPONSE,
    500,
  ],
  [
    'invalid JSON',
    (r) => json(r, 200, '{"access_token": '),
    AuthErrorCode.INVALID_RESPONSE,
    undefined,
  ],
  [
    'no access_token',
    (r) => json(r, 200, { token_type: 'Bearer' }),
    AuthErrorCode.INVALID_RESPONSE,
    undefined,
  ],
  [
    'a numeric access_token',
    (r) => json(r, 200, { access_token: 42, token_type: 'Bearer' }),
    AuthErrorCode.INVALID_RESPONSE,
    undefined,
  ],
  [
    'a string expires_in',
    (r) => json(r, 200, { access_token: 'a', token_type: 'Bearer', expires_in: 'soon' }),
    AuthErrorCode.INVALID_RESPONSE,
    undefined,
  ],
  [
    'a non-Bearer token type',
    (r) => json(r, 200, { access_token: 'a', token_type: 'MAC' }),
    AuthErrorCode.INVALID_RESPONSE,
    undefined,
  ],
  [
    'a 2 MiB body',
    (r) => json(r, 200, { access_token: 'x'.repeat(2 * 1024 * 1024), token_type: 'Bearer' }),
    AuthErrorCode.INVALID_RESPONSE,
    undefined,
  ],
  [
    'a redirect',
    (r) => r.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end(),
    AuthErrorCode.INVALID_RESPONSE,
    302,
  ],
  [
    'an OAuth error',
    (r) => json(r, 400, { error: 'invalid_request', error_description: 'bad', extra: 'dropped' }),
    AuthErrorCode.TOKEN_ENDPOINT_ERROR,
    400,
  ],
  [
    'a body that never ends',
    (r) => r.writeHead(200, { 'content-type': 'application/json' }).write('{"access_token":"'),
    AuthErrorCode.TOKEN_ENDPOINT_ERROR,
    undefined,
  ],
];

describe('a token endpoint that misbehaves', () => {
  it.each(cases)(
    'answering %s gives a clear error and leaves the stored credential intact',
    async (_name, answer, code, status) => {
      const base = await scriptedServer((_request, response) => answer(response));
      const storage = await freshStorage();
      const expired = oauthToken(-1000, Date.now(), {
        provider: { clientId: 'c', tokenEndpoint: `${base}/token` },
      });
      await storage.saveToken(expired);
      const fetch = createOAuthFetch({ timeoutMs: 1500 });
      const manager = new TokenManager({
        storage,
        refresh: (token) => refreshProviderToken(token, { fetch }),
      });
      const error = await manager.getValidToken().catch((e) => e);
      expect(error).toMatchObject({ code });
      if (status !== undefined) expect(error.status).toBe(status);
      expect(error.message).not.toContain(expired.refreshToken);
      expect((await storage.loadToken())?.toInit()).toEqual(expired.toInit());
    },
  );

  it('keeps only the RFC 6749 §5.2 fields of an error body', async () => {
    const base = await scriptedServer((_q, r) =>
      json(r, 400, {
        error: 'invalid_grant',
        error_description: 'used',
        error_uri: 'https://idp.example/e',
        secret_extra: 'leak',
      }),
    );
    const token = oauthToken(-1000, Date.now(), {
      provider: { clientId: 'c', tokenEndpoint: `${base}/token` },
    });
    const error = await refreshProviderToken(token).catch((e) => e);
    expect(error.oauthError).toEqual({
      error: 'invalid_grant',
      error_description: 'used',
      error_uri: 'https://idp.example/e',
    });
    expect(JSON.stringify(error)).not.toContain('leak');
  });
});
