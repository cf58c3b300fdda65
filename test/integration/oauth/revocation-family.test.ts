import { afterEach, describe, expect, it } from 'vitest';
import { OidcServer } from '../../../fixtures/oidc-server.js';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { logout } from '../../../src/login/login.js';
import { createOAuthFetch, type OAuthFetch } from '../../../src/oauth/http-client.js';
import { freshStorage } from '../../helpers/oauth-fixture.js';
import { flowWithoutBrowser } from '../../helpers/oidc-without-browser.js';

let server: OidcServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A fetch that records each revocation request sent (its hint and token) and the status answered. */
function recordingRevocations() {
  const sent: { hint: string | null; token: string | null; status: number }[] = [];
  const real = createOAuthFetch();
  const fetch: OAuthFetch = async (url, init) => {
    const response = await real(url, init);
    if (url.endsWith('/token/revocation') && init.body instanceof URLSearchParams)
      sent.push({
        hint: init.body.get('token_type_hint'),
        token: init.body.get('token'),
        status: response.status,
      });
    return response;
  };
  return { sent, fetch };
}

/** Logs in at the real oidc-provider without a browser, the credential stored as `login` stores it. */
async function loggedIn(options: Parameters<typeof OidcServer.start>[0]) {
  server = await OidcServer.start(options);
  const token = await flowWithoutBrowser(server).flow.login();
  expect(token.refreshToken).toBeDefined();
  expect(token.provider?.revocationEndpoint).toBe(`${server.issuer}/token/revocation`);
  expect((await server.introspect(token.accessToken)).active).toBe(true);
  expect((await server.introspect(token.refreshToken as string)).active).toBe(true);
  const storage = await freshStorage();
  await storage.saveToken(token);
  return { server, token, storage };
}

describe('logout at a real provider that ends the token family with the first revocation (RFC 7009, oidc-provider)', () => {
  it('revokes the access token first (200); the 400 for the refresh token it ended is counted revoked, as "ended-by-first"', async () => {
    const { server, token, storage } = await loggedIn({ familyRevocation: {} });
    const { sent, fetch } = recordingRevocations();
    const result = await logout({ storage, flow: { fetch } });

    expect(sent).toEqual([
      { hint: 'access_token', token: token.accessToken, status: 200 },
      { hint: 'refresh_token', token: token.refreshToken, status: 400 },
    ]);
    expect(result).toMatchObject({
      removed: true,
      revoked: true,
      revocations: [
        { token: 'access_token', revoked: true, outcome: 'confirmed' },
        { token: 'refresh_token', revoked: true, outcome: 'ended-by-first' },
      ],
    });
    expect(result.revocationError).toBeUndefined();
    expect(result.revocations?.every((outcome) => outcome.error === undefined)).toBe(true);
    // Really dead at the server, not merely reported so.
    expect((await server.introspect(token.accessToken)).active).toBe(false);
    expect((await server.introspect(token.refreshToken as string)).active).toBe(false);
    expect(await storage.loadToken()).toBeNull();
  });

  it('does not count the 400 as revoked when the first revocation was not confirmed (503)', async () => {
    const { server, token, storage } = await loggedIn({
      familyRevocation: { accessTokenStatus: 503 },
    });
    const { sent, fetch } = recordingRevocations();
    const result = await logout({ storage, flow: { fetch } });

    expect(sent).toEqual([
      { hint: 'access_token', token: token.accessToken, status: 503 },
      { hint: 'refresh_token', token: token.refreshToken, status: 400 },
    ]);
    expect(result.removed).toBe(true);
    expect(result.revoked).toBe(false);
    expect(result.revocations).toHaveLength(2);
    expect(result.revocations?.[0]).toMatchObject({
      token: 'access_token',
      revoked: false,
      error: { code: AuthErrorCode.REVOCATION_FAILED, status: 503 },
    });
    expect(result.revocations?.[1]).toMatchObject({
      token: 'refresh_token',
      revoked: false,
      error: { code: AuthErrorCode.REVOCATION_FAILED, status: 400 },
    });
    expect(result.revocations?.[1]?.outcome).toBeUndefined();
    expect(result.revocationError?.code).toBe(AuthErrorCode.REVOCATION_FAILED);
    // The server did end both (the gateway failed after its backend acted), yet nothing
    // the client saw confirmed it: reported as not revoked, never inferred.
    expect((await server.introspect(token.accessToken)).active).toBe(false);
    expect((await server.introspect(token.refreshToken as string)).active).toBe(false);
    expect(await storage.loadToken()).toBeNull();
  });
});
