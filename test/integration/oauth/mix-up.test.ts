import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NATIVE_CLIENT_ID, OidcServer } from '../../../fixtures/oidc-server.js';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { OAuthConfig } from '../../../src/oauth/oauth-config.js';
import { OAuthFlow } from '../../../src/oauth/oauth-flow.js';
import { capturedOutput } from '../../helpers/oauth-fixture.js';
import { scriptedServer } from '../../helpers/scripted-http-server.js';

let honest: OidcServer;
beforeAll(async () => {
  honest = await OidcServer.start();
});
afterAll(async () => {
  await honest.close();
});

/**
 * The mix-up attack of RFC 9700 §4.4.1 against a profile configured with
 * explicit endpoints and no issuer: the attacker's authorization endpoint
 * sends the user on to the honest provider (the real oidc-provider, which
 * names itself with `iss`, RFC 9207) with this login's redirect URI, state
 * and PKCE challenge, under the honest provider's public client id. The code
 * comes back to the loopback listener; a client that then trusts the `iss`
 * it finds there sends the code and its verifier to the attacker's token
 * endpoint, which redeems them at the honest provider.
 */
async function attackerProvider() {
  const stolen: { code: string | null; verifier: string | null; redeemed: boolean }[] = [];
  const honestMetadata = (await (
    await fetch(`${honest.issuer}/.well-known/openid-configuration`)
  ).json()) as { authorization_endpoint: string; token_endpoint: string };
  const base = await scriptedServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://attacker');
    if (url.pathname === '/authorize') {
      const onward = new URL(honestMetadata.authorization_endpoint);
      for (const [key, value] of url.searchParams) onward.searchParams.set(key, value);
      onward.searchParams.set('client_id', NATIVE_CLIENT_ID);
      response.writeHead(302, { location: onward.href }).end();
      return;
    }
    if (url.pathname !== '/token') {
      response.writeHead(404).end();
      return;
    }
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', async () => {
      const form = new URLSearchParams(body);
      form.set('client_id', NATIVE_CLIENT_ID);
      const redeemed = await fetch(honestMetadata.token_endpoint, { method: 'POST', body: form });
      stolen.push({
        code: form.get('code'),
        verifier: form.get('code_verifier'),
        redeemed: redeemed.ok,
      });
      response.writeHead(redeemed.status, { 'content-type': 'application/json' });
      response.end(await redeemed.text());
    });
  });
  return { base, stolen };
}

describe('mix-up defence with an issuer nobody configured (RFC 9700 §4.4, RFC 9207)', () => {
  it('refuses an iss from another origin than the authorization endpoint, and never sends the code to the token endpoint', async () => {
    const attacker = await attackerProvider();
    const config = new OAuthConfig({
      clientId: 'attacker-client',
      authorizeUrl: `${attacker.base}/authorize`,
      tokenUrl: `${attacker.base}/token`,
      redirectUri: 'http://127.0.0.1:0/callback',
      scopes: [],
    });
    const flow = new OAuthFlow(config, {
      output: capturedOutput().stream,
      // The user's browser: follows the attacker's redirect and signs in at the honest provider.
      openBrowser: async (url) => {
        const hop = await fetch(url, { redirect: 'manual' });
        const authorization = new URL(hop.headers.get('location') as string);
        const callback = new URL(authorization.searchParams.get('redirect_uri') as string);
        callback.searchParams.set('code', await honest.issueAuthorizationCode(authorization));
        callback.searchParams.set('state', authorization.searchParams.get('state') as string);
        callback.searchParams.set('iss', honest.issuer);
        void fetch(callback, { redirect: 'manual' });
        return true;
      },
    });
    const outcome = await flow.login().catch((error: unknown) => error);
    expect(attacker.stolen).toEqual([]);
    expect(outcome).toMatchObject({ code: AuthErrorCode.ISSUER_MISMATCH });
  });
});
