import { describe, expect, it } from 'vitest';
import { approveDeviceCode, signInAsUser } from '../../../fixtures/browser.js';
import {
  CONFIDENTIAL_CLIENT_ID,
  CONFIDENTIAL_CLIENT_SECRET,
  TEST_USER,
} from '../../../fixtures/oidc-server.js';
import { login } from '../../../src/login/login.js';
import { refreshProviderToken } from '../../../src/oauth/provider-tokens.js';
import {
  browserFlow,
  capturedOutput,
  freshStorage,
  nativeConfig,
} from '../../helpers/oauth-fixture.js';
import { useProvider } from '../../helpers/suite-fixtures.js';

const parts = useProvider({ browser: true });

describe('other ways to log in', () => {
  it('logs in with the device authorization grant (RFC 8628), approved in the browser', async () => {
    const storage = await freshStorage();
    const output = capturedOutput();
    let approved: Promise<unknown> = Promise.resolve();
    const token = await login({
      oauthConfig: nativeConfig(parts.oidc),
      storage,
      device: true,
      flow: { output: output.stream },
      onAuthorizationUrl: (url) => {
        approved = approveDeviceCode(parts.browser.context, url);
      },
    });
    await approved;
    expect(output.text()).toMatch(/enter the code [A-Z]{4}-?[A-Z]{4}/);
    expect(token.refreshToken).toBeDefined();
    expect(token.account).toMatchObject({ subject: TEST_USER.login, email: TEST_USER.email });
    expect((await storage.loadToken())?.accessToken).toBe(token.accessToken);
    expect((await parts.oidc.introspect(token.accessToken)).active).toBe(true);
  }, 60_000);

  it('logs in and refreshes as a confidential client, the secret coming from storage alone', async () => {
    const storage = await freshStorage();
    const flow = browserFlow(async (url) =>
      signInAsUser(await parts.browser.context.newPage(), url),
    );
    const config = nativeConfig(parts.oidc, {
      clientId: CONFIDENTIAL_CLIENT_ID,
      clientSecret: CONFIDENTIAL_CLIENT_SECRET,
    });
    const token = await login({ oauthConfig: config, storage, flow });
    expect(token.provider?.clientSecret).toBe(CONFIDENTIAL_CLIENT_SECRET);
    const stored = await storage.loadToken();
    const refreshed = await refreshProviderToken(stored as NonNullable<typeof stored>);
    expect(refreshed.accessToken).not.toBe(token.accessToken);
    expect((await parts.oidc.introspect(refreshed.accessToken)).client_id).toBe(
      CONFIDENTIAL_CLIENT_ID,
    );
  });
});
