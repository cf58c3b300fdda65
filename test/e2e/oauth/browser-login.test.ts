import { stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, logout } from '../../../src/auth/login.js';
import { refreshProviderToken } from '../../../src/oauth/provider-tokens.js';
import { TokenManager } from '../../../src/refresh/token-manager.js';
import { signInAsUser, TestBrowser } from '../../helpers/browser.js';
import { browserFlow, freshStorage, nativeConfig } from '../../helpers/oauth-fixture.js';
import { OidcServer, TEST_USER } from '../../helpers/oidc-server.js';

let server: OidcServer;
let browser: TestBrowser;

beforeAll(async () => {
  server = await OidcServer.start();
  browser = await TestBrowser.launch();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('browser login against a real OpenID provider', () => {
  it('logs in, stores 0600, refreshes with rotation, and revokes on logout', async () => {
    const storage = await freshStorage();
    const flow = browserFlow(browser, async (url) =>
      signInAsUser(await browser.context.newPage(), url),
    );
    const token = await login({ oauthConfig: nativeConfig(server), storage, flow });

    expect(token.kind).toBe('oauth');
    expect(token.refreshToken).toBeDefined();
    expect(token.account).toMatchObject({ subject: TEST_USER.login, email: TEST_USER.email });
    expect(token.provider).toMatchObject({
      issuer: server.issuer,
      tokenEndpoint: `${server.issuer}/token`,
      revocationEndpoint: `${server.issuer}/token/revocation`,
    });
    expect((await stat(storage.path)).mode & 0o777).toBe(0o600);
    expect((await server.introspect(token.accessToken)).active).toBe(true);

    const opened = new URL(flow.opened[0] as string);
    expect(opened.searchParams.get('code_challenge_method')).toBe('S256');
    expect(opened.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(opened.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const manager = new TokenManager({ storage, refresh: (t) => refreshProviderToken(t) });
    const refreshed = await manager.refreshNow();
    expect(refreshed.accessToken).not.toBe(token.accessToken);
    expect(refreshed.refreshToken).not.toBe(token.refreshToken);
    expect((await storage.loadToken())?.refreshToken).toBe(refreshed.refreshToken);
    expect(refreshed.account).toMatchObject({ email: TEST_USER.email });

    const result = await logout({ storage });
    expect(result).toEqual({ removed: true, revoked: true });
    expect(await storage.loadToken()).toBeNull();
    expect((await server.introspect(refreshed.refreshToken as string)).active).toBe(false);
    expect((await server.introspect(refreshed.accessToken)).active).toBe(false);
    expect(
      browser.requested.every(
        (url) => new URL(url).hostname === '127.0.0.1' || browser.blocked.includes(url),
      ),
    ).toBe(true);
  });
});
