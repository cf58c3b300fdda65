import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClaudeAuth } from '../../../src/credentials/claude-auth.js';
import { queryWithOAuth } from '../../../src/query/queries.js';
import {
  type ClaudeSandbox,
  claudeSandbox,
  collect,
  replyText,
  subscriptionToken,
} from '../../helpers/claude-code-env.js';
import { RotatingTokenEndpoint } from '../../helpers/rotating-token-endpoint.js';
import { StreamingPrompt } from '../../helpers/streaming-prompt.js';
import { useMessagesApi } from '../../helpers/suite-fixtures.js';
import { oauthToken } from '../../helpers/tokens.js';

const parts = useMessagesApi();
let sandbox: ClaudeSandbox;
const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);

beforeEach(async () => {
  sandbox = await claudeSandbox(parts.api);
  warnings.length = 0;
  process.on('warning', onWarning);
});
afterEach(() => {
  process.off('warning', onWarning);
  vi.restoreAllMocks();
});

describe('rotation into a running query is bounded by the refresh policy (real Claude Code)', {
  timeout: 60_000,
}, () => {
  it('a one-year subscription token: no TimeoutOverflowWarning, no renewal attempts during the query', async () => {
    await sandbox.storage.saveToken(subscriptionToken());
    const rotationDue = vi.spyOn(ClaudeAuth.prototype, 'rotationDue');
    const rotate = vi.spyOn(ClaudeAuth.prototype, 'rotate');
    const { messages, error } = await collect(
      queryWithOAuth({ prompt: 'Hello', options: { env: sandbox.env } }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(error).toBeUndefined();
    expect(replyText(messages)).toBe(parts.api.reply);
    expect(warnings.filter((w) => w.name === 'TimeoutOverflowWarning')).toEqual([]);
    // One look at the policy when the query starts; nothing is due for a year.
    expect(rotationDue).toHaveBeenCalledTimes(1);
    expect(rotate).not.toHaveBeenCalled();
  });

  it.each([60, 300])(
    'a gateway token living %i s is not refreshed over and over while a query runs',
    async (lifetimeS) => {
      const stored = oauthToken(lifetimeS * 1000);
      const endpoint = await RotatingTokenEndpoint.start(stored.refreshToken as string, lifetimeS);
      try {
        await sandbox.storage.saveToken(
          stored.with({
            provider: { clientId: 'c', tokenEndpoint: endpoint.url, apiBaseUrl: parts.api.url },
          }),
        );
        const started = Date.now();
        const { error } = await collect(
          queryWithOAuth({ prompt: 'Hello', options: { env: sandbox.env } }),
        );
        const elapsed = Date.now() - started;
        expect(error).toBeUndefined();
        // ≈ one refresh per half lifetime, plus the one the start may make.
        expect(endpoint.refreshes).toBeLessThanOrEqual(Math.ceil(elapsed / (lifetimeS * 500)) + 1);
        expect(endpoint.invalidGrants).toBe(0);
      } finally {
        await endpoint.close();
      }
    },
  );

  it('a conversation on 10-s gateway tokens refreshes about once per 5 s, not in a loop', async () => {
    const lifetimeS = 10;
    const stored = oauthToken(lifetimeS * 1000);
    const endpoint = await RotatingTokenEndpoint.start(stored.refreshToken as string, lifetimeS);
    const expiry = new Map([[stored.accessToken, stored.expiresAt?.getTime() ?? 0]]);
    try {
      await sandbox.storage.saveToken(
        stored.with({
          provider: { clientId: 'c', tokenEndpoint: endpoint.url, apiBaseUrl: parts.api.url },
        }),
      );
      // The stand-in is a gateway that accepts only tokens still valid.
      parts.api.respond = ({ credential }) => {
        if (credential === endpoint.lastAccessToken && !expiry.has(credential))
          expiry.set(credential, Date.now() + lifetimeS * 1000);
        return (expiry.get(credential ?? '') ?? 0) > Date.now() ? 200 : 401;
      };
      const prompt = new StreamingPrompt();
      const running = queryWithOAuth({ prompt, options: { env: sandbox.env } });
      const started = Date.now();
      const seen = new Set<string>();
      prompt.send('first turn');
      let turns = 0;
      for await (const message of running) {
        if (message.type !== 'result') continue;
        turns++;
        if (turns === 1) {
          // Keep the session open until the running CLI has been handed two new tokens.
          await expect
            .poll(
              () => {
                seen.add(running.credential?.secret ?? '');
                return seen.size;
              },
              { timeout: 30_000, interval: 200 },
            )
            .toBeGreaterThanOrEqual(3);
          prompt.send('second turn');
        } else prompt.end();
      }
      const elapsed = Date.now() - started;
      // Under heavy load a hand-over can come late; a 401 is then recovered (one refresh more).
      expect(parts.api.messageRequests.at(-1)?.status).toBe(200);
      expect(endpoint.refreshes).toBeGreaterThanOrEqual(2);
      expect(endpoint.refreshes).toBeLessThanOrEqual(Math.ceil(elapsed / (lifetimeS * 500)) + 2);
      expect(endpoint.invalidGrants).toBe(0);
    } finally {
      await endpoint.close();
    }
  }, 60_000);
});
