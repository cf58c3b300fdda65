import { describe, expect, it } from 'vitest';
import { signInAsUser } from '../../../fixtures/browser.js';
import { authenticatedQuery } from '../../../src/query/queries.js';
import { claudeSandbox, collect, replyText } from '../../helpers/claude-code-env.js';
import { browserFlow, nativeConfig } from '../../helpers/oauth-fixture.js';
import { useMessagesApi, useProvider } from '../../helpers/suite-fixtures.js';

const provider = useProvider({ browser: true });
const messages = useMessagesApi();

describe("the guide's custom OAuth configuration", () => {
  it('authenticatedQuery({ oauthConfig }) logs in when needed, stores the token, and queries the gateway with it', async () => {
    const { api } = messages;
    const sandbox = await claudeSandbox(api);
    api.respond = async ({ credential }) =>
      (await provider.oidc.introspect(credential ?? '')).active ? 200 : 401;
    const config = nativeConfig(provider.oidc, { apiBaseUrl: api.url });
    const loginFlow = browserFlow(async (url) =>
      signInAsUser(await provider.browser.context.newPage(), url),
    );
    const run = await collect(
      authenticatedQuery({
        prompt: 'Hello',
        oauthConfig: config,
        options: { env: sandbox.env },
        auth: { interactiveLogin: true, loginFlow },
      }),
    );
    expect(run.error).toBeUndefined();
    expect(replyText(run.messages)).toBe(api.reply);
    const stored = await sandbox.storage.loadToken();
    expect(stored?.kind).toBe('oauth');
    expect(
      api.messageRequests.every((r) => r.credential === stored?.accessToken && r.status === 200),
    ).toBe(true);
  }, 60_000);

  it('does not start a login where nobody can answer it: it moves on to the API key', async () => {
    const { api } = messages;
    const sandbox = await claudeSandbox(api);
    const run = await collect(
      authenticatedQuery({
        prompt: 'Hello',
        oauthConfig: nativeConfig(provider.oidc),
        apiKey: 'sk-ant-api03-test-fallback',
        options: { env: sandbox.env },
        auth: { interactiveLogin: false },
      }),
    );
    expect(run.error).toBeUndefined();
    expect(
      api.messageRequests.every((r) => r.headers['x-api-key'] === 'sk-ant-api03-test-fallback'),
    ).toBe(true);
    expect(await sandbox.storage.loadToken()).toBeNull();
  }, 60_000);
});
