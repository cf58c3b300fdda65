import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONFIDENTIAL_CLIENT_SECRET,
  OidcServer,
  POST_CLIENT_ID,
} from '../../../fixtures/oidc-server.js';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { refreshProviderToken } from '../../../src/oauth/provider-tokens.js';
import { nativeConfig } from '../../helpers/oauth-fixture.js';
import { flowWithoutBrowser } from '../../helpers/oidc-without-browser.js';

let server: OidcServer;
beforeAll(async () => {
  server = await OidcServer.start();
});
afterAll(async () => {
  await server.close();
});

describe('PKCE at a real provider (RFC 7636, oidc-provider)', () => {
  it('sends the verifier of the S256 challenge, and the provider accepts it', async () => {
    const { flow, tokenRequests, opened } = flowWithoutBrowser(server);
    const token = await flow.login();
    const verifier = tokenRequests[0]?.get('code_verifier') as string;
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(
      opened[0]?.searchParams.get('code_challenge'),
    );
    expect((await server.introspect(token.accessToken)).active).toBe(true);
    // The nonce went out and came back in the provider's ID token (checked by the flow).
    expect(opened[0]?.searchParams.get('nonce')).toBeTruthy();
    expect(token.account?.subject).toBe('alice');
  });

  it('is refused by the provider without the verifier: the server-side check is real', async () => {
    const { flow } = flowWithoutBrowser(server, (form) => form.delete('code_verifier'));
    await expect(flow.login()).rejects.toMatchObject({
      code: AuthErrorCode.TOKEN_ENDPOINT_ERROR,
      oauthError: { error: 'invalid_grant' },
    });
  });
});

describe('client authentication at a real provider (RFC 6749 §2.3.1)', () => {
  const postConfig = (changes: Parameters<typeof nativeConfig>[1] = {}) =>
    nativeConfig(server, {
      clientId: POST_CLIENT_ID,
      clientSecret: CONFIDENTIAL_CLIENT_SECRET,
      ...changes,
    });

  it('logs in and refreshes with client_secret_post when configured, the method coming from storage on refresh', async () => {
    const { flow, tokenRequests } = flowWithoutBrowser(
      server,
      () => undefined,
      postConfig({ tokenEndpointAuthMethod: 'client_secret_post' }),
    );
    const token = await flow.login();
    expect(tokenRequests[0]?.get('client_secret')).toBe(CONFIDENTIAL_CLIENT_SECRET);
    expect(token.provider?.tokenEndpointAuthMethod).toBe('client_secret_post');
    const refreshed = await refreshProviderToken(token);
    expect((await server.introspect(refreshed.accessToken)).active).toBe(true);
  });
});
