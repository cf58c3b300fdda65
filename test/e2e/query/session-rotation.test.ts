import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signInAsUser, TestBrowser } from '../../../fixtures/browser.js';
import { MessagesApi } from '../../../fixtures/messages-api.js';
import { OidcServer } from '../../../fixtures/oidc-server.js';
import { login } from '../../../src/login/login.js';
import type { AuthenticatedQuery } from '../../../src/query/authenticated-query.js';
import { queryWithOAuth } from '../../../src/query/queries.js';
import type { MachineGrantType } from '../../../src/token/auth-token.js';
import {
  type ClaudeSandbox,
  claudeSandbox,
  requestsOfSession,
  subscriptionToken,
} from '../../helpers/claude-code-env.js';
import { MachineGrantServer, SECRET_CLIENT } from '../../helpers/machine-grant-server.js';
import { browserFlow, nativeConfig } from '../../helpers/oauth-fixture.js';
import { StreamingPrompt } from '../../helpers/streaming-prompt.js';

const TOKEN_TTL_S = 8;

let api: MessagesApi;
let oidc: OidcServer;
let browser: TestBrowser;
let machine: MachineGrantServer;
let sandbox: ClaudeSandbox;

beforeAll(async () => {
  api = await MessagesApi.start();
  oidc = await OidcServer.start({ accessTokenTtl: TOKEN_TTL_S });
  machine = await MachineGrantServer.start({ accessTokenTtl: TOKEN_TTL_S });
  browser = await TestBrowser.launch();
});
afterAll(async () => {
  await browser?.close();
  await oidc?.close();
  await machine?.close();
  await api?.close();
});
beforeEach(async () => {
  api.requests.length = 0;
  sandbox = await claudeSandbox(api);
});

/** Runs two turns: the second is sent only once the running query holds a new credential. */
async function twoTurns(
  running: AuthenticatedQuery,
  prompt: StreamingPrompt,
  betweenTurns: () => Promise<void>,
): Promise<SDKMessage[]> {
  const messages: SDKMessage[] = [];
  prompt.send('first turn');
  const first = running.credential;
  let turns = 0;
  for await (const message of running) {
    messages.push(message);
    if (message.type !== 'result') continue;
    turns++;
    if (turns === 1) {
      await betweenTurns();
      await expect
        .poll(() => running.credential?.secret, { timeout: 15_000 })
        .not.toBe(first?.secret ?? running.credential?.secret);
      prompt.send('second turn');
    } else {
      prompt.end();
    }
  }
  return messages;
}

describe('long sessions never send an expired token', () => {
  /** A stored gateway credential, by how it was obtained; returns its provider and the query's environment. */
  const gatewayLogins: [
    string,
    () => Promise<{
      provider: OidcServer;
      env: Record<string, string>;
      grant: MachineGrantType | undefined;
    }>,
  ][] = [
    [
      'a browser login (refreshed with its refresh token)',
      async () => {
        const flow = browserFlow(async (url) => signInAsUser(await browser.context.newPage(), url));
        await login({
          oauthConfig: nativeConfig(oidc, { apiBaseUrl: api.url }),
          storage: sandbox.storage,
          flow,
        });
        return { provider: oidc, env: sandbox.env, grant: undefined };
      },
    ],
    [
      'a machine credential (client credentials, re-acquired with the same grant)',
      async () => {
        const env = {
          ...sandbox.env,
          CLAUDE_OAUTH_CLIENT_ID: SECRET_CLIENT.id,
          CLAUDE_OAUTH_CLIENT_SECRET: SECRET_CLIENT.secret,
          CLAUDE_OAUTH_ISSUER: machine.issuer,
          CLAUDE_OAUTH_API_BASE_URL: api.url,
        };
        await login({ machineGrant: 'client_credentials', env, storage: sandbox.storage });
        return { provider: machine.oidc, env, grant: 'client_credentials' };
      },
    ],
  ];

  it.each(gatewayLogins)(
    'hands a renewed gateway token to the running CLI before the old one expires: %s',
    async (_, loginOnce) => {
      const { provider, env, grant } = await loginOnce();
      // The stand-in is a gateway that accepts only tokens the provider says are active.
      api.respond = async ({ credential }) =>
        (await provider.introspect(credential ?? '')).active ? 200 : 401;
      const prompt = new StreamingPrompt();
      const running = queryWithOAuth({ prompt, options: { env } });
      const messages = await twoTurns(running, prompt, async () => undefined);

      expect(messages.filter((m) => m.type === 'result')).toHaveLength(2);
      const requests = requestsOfSession(api, messages);
      expect(requests.every((r) => r.status === 200)).toBe(true);
      const tokens = requests.map((r) => r.credential);
      expect(new Set(tokens).size).toBe(2);
      const stored = await sandbox.storage.loadToken();
      expect(tokens.at(-1)).toBe(stored?.accessToken);
      expect(stored?.grant?.type).toBe(grant);
    },
    60_000,
  );

  it('hands a subscription token stored by a new login to the running CLI', async () => {
    // Past the renewal point already, yet longer than any refresh window at the start.
    const expiring = subscriptionToken(40_000, 'x');
    const renewed = subscriptionToken(365 * 86_400_000, 'y');
    const expiry = new Map([
      [expiring.accessToken, expiring.expiresAt?.getTime() ?? 0],
      [renewed.accessToken, renewed.expiresAt?.getTime() ?? 0],
    ]);
    await sandbox.storage.saveToken(expiring);
    api.respond = ({ credential }) =>
      (expiry.get(credential ?? '') ?? 0) > Date.now() ? 200 : 401;
    const prompt = new StreamingPrompt();
    const running = queryWithOAuth({ prompt, options: { env: sandbox.env } });
    await twoTurns(running, prompt, () => sandbox.storage.saveToken(renewed));

    const requests = api.messageRequests;
    expect(requests.every((r) => r.status === 200)).toBe(true);
    expect(requests[0]?.credential).toBe(expiring.accessToken);
    expect(requests.at(-1)?.credential).toBe(renewed.accessToken);
  }, 60_000);
});
