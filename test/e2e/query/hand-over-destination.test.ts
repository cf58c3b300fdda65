import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { MessagesApi } from '../../../fixtures/messages-api.js';
import { ClaudeAuth } from '../../../src/credentials/claude-auth.js';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { queryWithOAuth } from '../../../src/query/queries.js';
import type { AuthToken } from '../../../src/token/auth-token.js';
import { type ClaudeSandbox, claudeSandbox } from '../../helpers/claude-code-env.js';
import { StreamingPrompt } from '../../helpers/streaming-prompt.js';
import { useMessagesApi } from '../../helpers/suite-fixtures.js';
import { oauthToken } from '../../helpers/tokens.js';

// Gateway A is where the query starts; the profile is then logged in to gateway B.
const parts = useMessagesApi();
let gatewayB: MessagesApi;
let sandbox: ClaudeSandbox;
let env: Record<string, string>;

beforeAll(async () => {
  gatewayB = await MessagesApi.start();
});
afterAll(() => gatewayB?.close());
beforeEach(async () => {
  sandbox = await claudeSandbox(parts.api);
  const { ANTHROPIC_BASE_URL: _none, ...rest } = sandbox.env;
  env = rest;
  gatewayB.requests.length = 0;
});
afterEach(() => {
  vi.restoreAllMocks();
});

function gatewayToken(expiresInMs: number, apiBaseUrl: string): AuthToken {
  return oauthToken(expiresInMs, Date.now(), {
    provider: { clientId: 'c', tokenEndpoint: 'http://127.0.0.1:1/t', apiBaseUrl },
  });
}

describe('a re-login to another gateway during a query (real Claude Code)', {
  timeout: 60_000,
}, () => {
  it("rotation never hands gateway B's token to gateway A", async () => {
    // Due for rotation half-way through its 10 s.
    const tokenA = gatewayToken(10_000, parts.api.url);
    const tokenB = gatewayToken(3_600_000, gatewayB.url);
    await sandbox.storage.saveToken(tokenA);
    const rotate = vi.spyOn(ClaudeAuth.prototype, 'rotate');
    const prompt = new StreamingPrompt();
    const running = queryWithOAuth({ prompt, options: { env } });
    prompt.send('first turn');
    let turns = 0;
    for await (const message of running) {
      if (message.type !== 'result') continue;
      turns++;
      if (turns === 1) {
        await sandbox.storage.saveToken(tokenB);
        // The rotation has looked at the store and found B's token.
        await expect
          .poll(() => rotate.mock.settledResults.some((r) => r.type === 'fulfilled' && r.value), {
            timeout: 30_000,
          })
          .toBe(true);
        prompt.send('second turn');
      } else prompt.end();
    }
    expect(running.credential?.secret).toBe(tokenA.accessToken);
    const sentToA = parts.api.messageRequests.map((r) => r.credential);
    expect(sentToA.length).toBeGreaterThanOrEqual(2);
    expect(sentToA).not.toContain(tokenB.accessToken);
    expect(gatewayB.requests).toEqual([]);
  });

  it("a 401 from gateway A is not answered with gateway B's token: the query ends, saying to start a new one", async () => {
    const tokenA = gatewayToken(3_600_000, parts.api.url);
    const tokenB = gatewayToken(3_600_000, gatewayB.url);
    await sandbox.storage.saveToken(tokenA);
    const prompt = new StreamingPrompt();
    const running = queryWithOAuth({ prompt, options: { env } });
    prompt.send('first turn');
    let error: unknown;
    try {
      for await (const message of running) {
        if (message.type !== 'result') continue;
        await sandbox.storage.saveToken(tokenB);
        parts.api.respond = () => 401;
        prompt.send('second turn');
      }
    } catch (caught) {
      error = caught;
    } finally {
      prompt.end();
    }
    expect(error).toMatchObject({
      code: AuthErrorCode.API_AUTH_FAILED,
      fix: expect.stringContaining('new query'),
    });
    expect(parts.api.messageRequests.map((r) => r.credential)).not.toContain(tokenB.accessToken);
    expect((error as Error).message).not.toContain(tokenB.accessToken);
  });
});
