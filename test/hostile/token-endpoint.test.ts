import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuthenticationError } from '../../src/errors/authentication-error.js';
import { createOAuthFetch } from '../../src/oauth/http-client.js';
import { refreshProviderToken } from '../../src/oauth/provider-tokens.js';
import { TokenManager } from '../../src/refresh/token-manager.js';
import { freshStorage } from '../helpers/oauth-fixture.js';
import { scriptedServer } from '../helpers/scripted-http-server.js';
import { oauthToken } from '../helpers/tokens.js';

const ALLOWED = new Set(['TOKEN_ENDPOINT_ERROR', 'INVALID_RESPONSE']);

describe('hostile token-endpoint responses: clear errors, stored credentials unchanged', () => {
  it('random JSON bodies, statuses and content types', async () => {
    let answer = { status: 200, type: 'application/json', body: '{}' };
    const base = await scriptedServer((_request, response) => {
      response.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body);
    });
    const storage = await freshStorage();
    const expired = oauthToken(-1000, Date.now(), {
      provider: { clientId: 'c', tokenEndpoint: `${base}/token` },
    });
    await storage.saveToken(expired);
    const fetch = createOAuthFetch({ timeoutMs: 2000 });
    const body = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc
        .record(
          {
            access_token: fc.jsonValue(),
            token_type: fc.jsonValue(),
            expires_in: fc.jsonValue(),
            refresh_token: fc.jsonValue(),
          },
          { requiredKeys: [] },
        )
        .map((v) => JSON.stringify(v)),
      fc.string(),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(200, 201, 400, 401, 403, 404, 429, 500, 503),
        fc.constantFrom(
          'application/json',
          'text/html',
          'text/plain',
          'application/json; charset=utf-8',
        ),
        body,
        async (status, type, text) => {
          answer = { status, type, body: text };
          const manager = new TokenManager({
            storage,
            refresh: (token) => refreshProviderToken(token, { fetch }),
          });
          try {
            const token = await manager.getValidToken();
            // Only a well-formed success is accepted; then the file holds it.
            expect(status).toBe(200);
            expect((await storage.loadToken())?.accessToken).toBe(token.accessToken);
            await storage.saveToken(expired);
          } catch (error) {
            expect(error).toBeInstanceOf(AuthenticationError);
            if (!ALLOWED.has((error as AuthenticationError).code))
              expect((error as AuthenticationError).code).toBe('REAUTH_REQUIRED');
            const stored = await storage.loadToken();
            expect(stored?.accessToken).toBe(expired.accessToken);
            expect(stored?.refreshToken).toBe(expired.refreshToken);
            if (stored?.reauthRequired) await storage.saveToken(expired);
          }
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);

  it('a slow drip is cut off by the timeout', async () => {
    const base = await scriptedServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => response.write(' '), 50);
      response.on('close', () => clearInterval(timer));
    });
    const token = oauthToken(-1000, Date.now(), {
      provider: { clientId: 'c', tokenEndpoint: `${base}/token` },
    });
    await expect(
      refreshProviderToken(token, { fetch: createOAuthFetch({ timeoutMs: 500 }) }),
    ).rejects.toMatchObject({
      code: 'TOKEN_ENDPOINT_ERROR',
      message: expect.stringContaining('did not answer in time'),
    });
  });

  it.each([301, 302, 307, 308])('a %i redirect is not followed', async (status) => {
    let followed = false;
    const base = await scriptedServer((request, response) => {
      if (request.url === '/elsewhere') followed = true;
      response.writeHead(status, { location: '/elsewhere' }).end();
    });
    const token = oauthToken(-1000, Date.now(), {
      provider: { clientId: 'c', tokenEndpoint: `${base}/token` },
    });
    await expect(refreshProviderToken(token)).rejects.toMatchObject({
      code: 'INVALID_RESPONSE',
      status,
    });
    expect(followed).toBe(false);
  });
});
