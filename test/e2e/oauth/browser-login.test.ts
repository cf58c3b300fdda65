import { stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { signInAsUser } from '../../../fixtures/browser.js';
import { TEST_USER } from '../../../fixtures/oidc-server.js';
import { login, logout } from '../../../src/login/login.js';
import { refreshProviderToken } from '../../../src/oauth/provider-tokens.js';
import { TokenManager } from '../../../src/refresh/token-manager.js';
import { browserFlow, freshStorage, nativeConfig } from '../../helpers/oauth-fixture.js';
import { useProvider } from '../../helpers/suite-fixtures.js';

const parts = useProvider({ browser: true });

describe('browser login against a real OpenID provider', () => {
  it('logs in, stores 0600, refreshes with rotation, and revokes on logout', async () => {
    const storage = await freshStorage();
    const flow = browserFlow(async (url) =>
      signInAsUser(await parts.browser.context.newPage(), url),
    );
    const token = await login({ oauthConfig: nativeConfig(parts.oidc), storage, flow });

    expect(token.kind).toBe('oauth');
    expect(token.refreshToken).toBeDefined();
    expect(token.account).toMatchObject({ subject: TEST_USER.login, email: TEST_USER.email });
    expect(token.provider).toMatchObject({
      issuer: parts.oidc.issuer,
      tokenEndpoint: `${parts.oidc.issuer}/token`,
      revocationEndpoint: `${parts.oidc.issuer}/token/revocation`,
    });
    expect((await stat(storage.path)).mode & 0o777).toBe(0o600);
    expect((await parts.oidc.introspect(token.accessToken)).active).toBe(true);

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
    expect(result).toEqual({
      removed: true,
      revoked: true,
      revocations: [
        { token: 'access_token', revoked: true, outcome: 'confirmed' },
        { token: 'refresh_token', revoked: true, outcome: 'confirmed' },
      ],
    });
    expect(await storage.loadToken()).toBeNull();
    expect((await parts.oidc.introspect(refreshed.refreshToken as string)).active).toBe(false);
    expect((await parts.oidc.introspect(refreshed.accessToken)).active).toBe(false);
    expect(
      parts.browser.requested.every(
        (url) => new URL(url).hostname === '127.0.0.1' || parts.browser.blocked.includes(url),
      ),
    ).toBe(true);
  });
});
