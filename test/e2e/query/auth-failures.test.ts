import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { getAuthHeaders } from '../../../src/credentials/auth-headers.js';
import { CREDENTIAL_ENV_VARS } from '../../../src/credentials/resolved-credential.js';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { AuthenticationMiddleware, queryWithMiddleware } from '../../../src/query/middleware.js';
import { queryWithApiKey, queryWithOAuth } from '../../../src/query/queries.js';
import {
  type ClaudeSandbox,
  claudeSandbox,
  collect,
  replyText,
  requestsOfSession,
  subscriptionToken,
} from '../../helpers/claude-code-env.js';
import { RotatingTokenEndpoint } from '../../helpers/rotating-token-endpoint.js';
import { useMessagesApi } from '../../helpers/suite-fixtures.js';
import { oauthToken } from '../../helpers/tokens.js';

const parts = useMessagesApi();
let sandbox: ClaudeSandbox;

beforeEach(async () => {
  sandbox = await claudeSandbox(parts.api);
});

const GOOD_KEY = 'sk-ant-api03-test-good-key-000000';
const BAD_KEY = 'sk-ant-api03-test-bad-key-0000000';

describe('authentication failures through the real Claude Code binary', () => {
  it.each([401, 403])(
    'ends at once with API_AUTH_FAILED on %i instead of retrying for minutes',
    async (status) => {
      parts.api.respond = () => status;
      const { error } = await collect(
        queryWithApiKey({ prompt: 'Hello', apiKey: BAD_KEY, options: { env: sandbox.env } }),
      );
      expect(error).toMatchObject({ code: AuthErrorCode.API_AUTH_FAILED, status });
      expect((error as Error).message).not.toContain(BAD_KEY);
      // Claude Code alone would try 11 times over ~3 minutes; it reports the retry after its second try.
      expect(parts.api.messageRequests.length).toBeLessThanOrEqual(3);
    },
  );

  it('recovers from a 401 on a stored gateway token by refreshing it and handing it to the running CLI', async () => {
    const stale = oauthToken(3_600_000);
    const endpoint = await RotatingTokenEndpoint.start(stale.refreshToken as string);
    try {
      await sandbox.storage.saveToken(
        stale.with({
          provider: { clientId: 'c', tokenEndpoint: endpoint.url, apiBaseUrl: parts.api.url },
        }),
      );
      parts.api.respond = ({ credential }) =>
        credential !== undefined && credential === endpoint.lastAccessToken ? 200 : 401;
      const { messages, error } = await collect(
        queryWithOAuth({ prompt: 'Hello', options: { env: sandbox.env } }),
      );
      expect(error).toBeUndefined();
      expect(replyText(messages)).toBe(parts.api.reply);
      expect(endpoint.refreshes).toBe(1);
      // A retry already on its way may still carry the stale token; it is not renewed again.
      const requests = parts.api.messageRequests.map((r) => [r.credential, r.status]);
      expect(requests[0]).toEqual([stale.accessToken, 401]);
      expect(requests.at(-1)).toEqual([endpoint.lastAccessToken, 200]);
      expect(requests.filter(([, status]) => status === 401).map(([token]) => token)).toEqual(
        requests.filter(([, status]) => status === 401).map(() => stale.accessToken),
      );
      expect((await sandbox.storage.loadToken())?.accessToken).toBe(endpoint.lastAccessToken);
    } finally {
      await endpoint.close();
    }
  });

  it('a gateway that rejects every token: one renewal, then API_AUTH_FAILED with a fix that is not another login', async () => {
    const stale = oauthToken(3_600_000);
    const endpoint = await RotatingTokenEndpoint.start(stale.refreshToken as string);
    try {
      await sandbox.storage.saveToken(
        stale.with({
          provider: { clientId: 'c', tokenEndpoint: endpoint.url, apiBaseUrl: parts.api.url },
        }),
      );
      parts.api.respond = () => 401;
      const { error } = await collect(
        queryWithOAuth({ prompt: 'Hello', options: { env: sandbox.env } }),
      );
      expect(error).toMatchObject({ code: AuthErrorCode.API_AUTH_FAILED, status: 401 });
      // A token its provider had just issued was refused too: renewing again cannot help.
      expect(endpoint.refreshes).toBe(1);
      expect((error as { fix: string }).fix).not.toMatch(/^claude-auth login/);
      expect((error as { fix: string }).fix).toContain(parts.api.url);
      // The stale token, perhaps once more on a retry already sent, then the renewed one.
      expect(parts.api.messageRequests.length).toBeLessThanOrEqual(4);
    } finally {
      await endpoint.close();
    }
  }, 60_000);

  it('a stored subscription token the API rejects: API_AUTH_FAILED naming claude-auth login, nothing recorded, the next query tries again', async () => {
    const token = subscriptionToken();
    await sandbox.storage.saveToken(token);
    parts.api.respond = () => 401;
    let before = 0;
    for (const _attempt of [1, 2]) {
      const { error } = await collect(
        queryWithOAuth({ prompt: 'Hello', options: { env: sandbox.env } }),
      );
      // Not REAUTH_REQUIRED before spawning: the second query reached the API too.
      expect(error).toMatchObject({
        code: AuthErrorCode.API_AUTH_FAILED,
        status: 401,
        fix: 'claude-auth login',
      });
      expect(parts.api.messageRequests.length).toBeGreaterThan(before);
      before = parts.api.messageRequests.length;
    }
    // Not recorded (README): one 401 from a wrong base URL must not mark a good token dead.
    const stored = await sandbox.storage.loadToken();
    expect(stored?.accessToken).toBe(token.accessToken);
    expect(stored?.reauthRequired).toBeFalsy();
  }, 60_000);

  it('reports a user apiKeyHelper that would override the injected credential, and honours settingSources: []', async () => {
    await writeFile(
      join(sandbox.configDir, 'settings.json'),
      JSON.stringify({ apiKeyHelper: 'echo other-key' }),
    );
    const { error } = await collect(
      queryWithApiKey({ prompt: 'Hello', apiKey: GOOD_KEY, options: { env: sandbox.env } }),
    );
    expect(error).toMatchObject({
      code: AuthErrorCode.SETTINGS_CONFLICT,
      message: expect.stringContaining('apiKeyHelper'),
    });
    // Refused before Claude Code started: neither key reached the API. (Only this
    // test's keys count: the SDK kills an earlier test's Claude Code without
    // waiting for it, so a request it had already sent can still land here.)
    expect(
      parts.api.requests.filter((r) => r.credential === GOOD_KEY || r.credential === 'other-key'),
    ).toEqual([]);
    const isolated = await collect(
      queryWithApiKey({
        prompt: 'Hello',
        apiKey: GOOD_KEY,
        options: { env: sandbox.env, settingSources: [] },
      }),
    );
    expect(isolated.error).toBeUndefined();
    expect(parts.api.messageRequests.every((r) => r.headers['x-api-key'] === GOOD_KEY)).toBe(true);
  });

  it('middleware: a 401 gets fresh headers and one retry, which succeeds', async () => {
    parts.api.respond = ({ credential }) => (credential === GOOD_KEY ? 200 : 401);
    const calls: boolean[] = [];
    const middleware = new AuthenticationMiddleware({
      authHeadersProvider: ({ forceRefresh }) => {
        calls.push(forceRefresh);
        return { 'x-api-key': forceRefresh ? GOOD_KEY : BAD_KEY };
      },
    });
    const { messages, error } = await collect(
      queryWithMiddleware({
        prompt: 'Hello',
        middleware: [middleware],
        options: { env: sandbox.env },
      }),
    );
    expect(error).toBeUndefined();
    expect(replyText(messages)).toBe(parts.api.reply);
    expect(calls).toEqual([false, true]);
  }, 60_000);

  it('middleware: a second 401 is final', async () => {
    parts.api.respond = () => 401;
    const calls: boolean[] = [];
    const middleware = new AuthenticationMiddleware({
      authHeadersProvider: ({ forceRefresh }) => {
        calls.push(forceRefresh);
        return { 'x-api-key': BAD_KEY };
      },
    });
    const { error } = await collect(
      queryWithMiddleware({
        prompt: 'Hello',
        middleware: [middleware],
        options: { env: sandbox.env },
      }),
    );
    expect(error).toMatchObject({ code: AuthErrorCode.API_AUTH_FAILED });
    expect(calls).toEqual([false, true]);
  }, 60_000);

  it('middleware sees and can change every request, and headers become the child environment', async () => {
    const seen: string[] = [];
    const logger = {
      async *handle(
        request: Parameters<AuthenticationMiddleware['handle']>[0],
        next: Parameters<AuthenticationMiddleware['handle']>[1],
      ) {
        seen.push(typeof request.prompt === 'string' ? request.prompt : 'stream');
        for await (const message of next({ ...request, prompt: `${request.prompt} (logged)` })) {
          seen.push(message.type);
          yield message;
        }
      },
    };
    const auth = new AuthenticationMiddleware({
      authHeadersProvider: () => ({
        Authorization: 'Bearer sk-ant-oat01-test-mw',
        'anthropic-beta': 'oauth-2025-04-20',
      }),
    });
    const { messages, error } = await collect(
      queryWithMiddleware({
        prompt: 'Hello',
        middleware: [logger, auth],
        options: { env: sandbox.env },
      }),
    );
    expect(error).toBeUndefined();
    expect(seen[0]).toBe('Hello');
    expect(seen).toContain('result');
    const ours = requestsOfSession(parts.api, messages);
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.every((r) => r.headers.authorization === 'Bearer sk-ant-oat01-test-mw')).toBe(true);
  });

  it('never changes a credential variable of the parent process', async () => {
    const before = Object.fromEntries(CREDENTIAL_ENV_VARS.map((name) => [name, process.env[name]]));
    await sandbox.storage.saveToken(
      oauthToken(3_600_000, Date.now(), {
        provider: {
          clientId: 'c',
          tokenEndpoint: 'http://127.0.0.1:1/t',
          apiBaseUrl: parts.api.url,
        },
      }),
    );
    const running = queryWithOAuth({ prompt: 'Hello', options: { env: sandbox.env } });
    for await (const _message of running) {
      expect(
        Object.fromEntries(CREDENTIAL_ENV_VARS.map((name) => [name, process.env[name]])),
      ).toEqual(before);
    }
    await collect(
      queryWithApiKey({ prompt: 'Hello', apiKey: GOOD_KEY, options: { env: sandbox.env } }),
    );
    expect(
      Object.fromEntries(CREDENTIAL_ENV_VARS.map((name) => [name, process.env[name]])),
    ).toEqual(before);
    expect(process.env.ANTHROPIC_BASE_URL).toBeUndefined();
  });
});

describe('getAuthHeaders', () => {
  it.each([
    ['an API key', { ANTHROPIC_API_KEY: GOOD_KEY }, { 'x-api-key': GOOD_KEY }],
    [
      'a subscription token',
      { CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat01-test-x' },
      { authorization: 'Bearer sk-ant-oat01-test-x', 'anthropic-beta': 'oauth-2025-04-20' },
    ],
  ])('gives the headers for %s', async (_name, vars, headers) => {
    expect(await getAuthHeaders({ env: { ...sandbox.env, ...vars } })).toEqual(headers);
  });

  it('gives a stored gateway token as a plain Bearer', async () => {
    const token = oauthToken(3_600_000);
    await sandbox.storage.saveToken(token);
    expect(await getAuthHeaders({ env: sandbox.env })).toEqual({
      authorization: `Bearer ${token.accessToken}`,
    });
  });

  it('says NO_CREDENTIALS with the fix when there is nothing', async () => {
    await expect(getAuthHeaders({ env: sandbox.env })).rejects.toMatchObject({
      code: AuthErrorCode.NO_CREDENTIALS,
      fix: expect.stringContaining('claude-auth login'),
    });
  });
});
