import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MessagesApi } from '../../../fixtures/messages-api.js';
import { getAuthHeaders } from '../../../src/credentials/auth-headers.js';
import { SUBSCRIPTION_BASE_URL_VARIABLE } from '../../../src/credentials/credential-destination.js';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import {
  AuthenticationMiddleware,
  type QueryMiddleware,
  queryWithMiddleware,
} from '../../../src/query/middleware.js';
import { queryWithOAuth } from '../../../src/query/queries.js';
import {
  type ClaudeSandbox,
  claudeSandbox,
  collect,
  replyText,
  subscriptionToken,
  writeClaudeCodeLogin,
} from '../../helpers/claude-code-env.js';
import { RotatingTokenEndpoint } from '../../helpers/rotating-token-endpoint.js';
import { useMessagesApi } from '../../helpers/suite-fixtures.js';
import { oauthToken } from '../../helpers/tokens.js';

// `gateway` is where a credential belongs; `decoy` is an inherited ANTHROPIC_BASE_URL.
const parts = useMessagesApi();
let decoy: MessagesApi;
let sandbox: ClaudeSandbox;
/** The sandbox's `options.env` without ANTHROPIC_BASE_URL: the call names no destination. */
let callEnv: Record<string, string>;
const inheritedBefore = process.env.ANTHROPIC_BASE_URL;

beforeAll(async () => {
  decoy = await MessagesApi.start();
});
afterAll(() => decoy?.close());
beforeEach(async () => {
  sandbox = await claudeSandbox(parts.api);
  const { ANTHROPIC_BASE_URL: _named, ...rest } = sandbox.env;
  callEnv = rest;
  decoy.requests.length = 0;
  process.env.ANTHROPIC_BASE_URL = decoy.url;
});
afterEach(() => {
  if (inheritedBefore === undefined) delete process.env.ANTHROPIC_BASE_URL;
  else process.env.ANTHROPIC_BASE_URL = inheritedBefore;
});

const gatewayHeaders = () => (options: { forceRefresh: boolean }) =>
  getAuthHeaders({ ...options, env: { ...process.env, ...callEnv } });

describe('where credentials go through the middleware (real Claude Code)', {
  timeout: 60_000,
}, () => {
  it("a gateway login's token goes to the provider's API base URL, never to the inherited ANTHROPIC_BASE_URL", async () => {
    const token = oauthToken(3_600_000, Date.now(), {
      provider: { clientId: 'c', tokenEndpoint: 'http://127.0.0.1:1/t', apiBaseUrl: parts.api.url },
    });
    await sandbox.storage.saveToken(token);
    const auth = new AuthenticationMiddleware({ authHeadersProvider: gatewayHeaders() });
    const { messages, error } = await collect(
      queryWithMiddleware({ prompt: 'Hello', middleware: [auth], options: { env: callEnv } }),
    );
    expect(error).toBeUndefined();
    expect(replyText(messages)).toBe(parts.api.reply);
    expect(decoy.requests).toEqual([]);
    const seen = parts.api.messageRequests;
    expect(seen.length).toBeGreaterThan(0);
    for (const request of seen) expect(request.credential).toBe(token.accessToken);
  });

  it("a gateway login's token still goes to the provider's API base URL when a later middleware copies the headers", async () => {
    const token = oauthToken(3_600_000, Date.now(), {
      provider: { clientId: 'c', tokenEndpoint: 'http://127.0.0.1:1/t', apiBaseUrl: parts.api.url },
    });
    await sandbox.storage.saveToken(token);
    const auth = new AuthenticationMiddleware({ authHeadersProvider: gatewayHeaders() });
    const tracing: QueryMiddleware = {
      handle: (request, next) =>
        next({ ...request, headers: { ...request.headers, 'x-request-id': 'trace-1' } }),
    };
    const { error } = await collect(
      queryWithMiddleware({
        prompt: 'Hello',
        middleware: [auth, tracing],
        options: { env: callEnv },
      }),
    );
    expect(error).toBeUndefined();
    expect(decoy.requests).toEqual([]);
    const seen = parts.api.messageRequests;
    expect(seen.length).toBeGreaterThan(0);
    for (const request of seen) expect(request.credential).toBe(token.accessToken);
  });

  it("Claude Code's own login through the middleware injects nothing: Claude Code reads (and refreshes) its own file", async () => {
    await writeClaudeCodeLogin(sandbox, 'sk-ant-oat01-own-login-before-refresh');
    // Stands for Claude Code refreshing its login between getAuthHeaders and the request.
    const refreshesOwnLogin: QueryMiddleware = {
      async *handle(request, next) {
        await writeClaudeCodeLogin(sandbox, 'sk-ant-oat01-own-login-after-refresh');
        yield* next(request);
      },
    };
    const auth = new AuthenticationMiddleware({
      authHeadersProvider: (options) =>
        getAuthHeaders({ ...options, env: { ...process.env, ...sandbox.env } }),
    });
    const { error } = await collect(
      queryWithMiddleware({
        prompt: 'Hello',
        middleware: [auth, refreshesOwnLogin],
        options: { env: sandbox.env },
      }),
    );
    expect(error).toBeUndefined();
    const seen = parts.api.messageRequests;
    expect(seen.length).toBeGreaterThan(0);
    for (const request of seen)
      expect(request.credential).toBe('sk-ant-oat01-own-login-after-refresh');
  });

  it('after the API rejects a subscription token, the retry does not switch to the API key: REAUTH_REQUIRED', async () => {
    const token = subscriptionToken();
    await sandbox.storage.saveToken(token);
    parts.api.respond = ({ credential }) => (credential === token.accessToken ? 401 : 200);
    const withKey = { ...sandbox.env, ANTHROPIC_API_KEY: 'sk-ant-api03-test-metered-key-000' };
    const auth = new AuthenticationMiddleware({
      authHeadersProvider: (options) => getAuthHeaders({ ...options, env: withKey }),
    });
    for (let query = 0; query < 2; query++) {
      const { error } = await collect(
        queryWithMiddleware({ prompt: 'Hello', middleware: [auth], options: { env: withKey } }),
      );
      expect(error).toMatchObject({ code: AuthErrorCode.REAUTH_REQUIRED });
    }
    expect(parts.api.messageRequests.every((r) => r.headers['x-api-key'] === undefined)).toBe(true);
  });

  it('a 403 is a permission answer: no refreshed headers, no retry, API_AUTH_FAILED with the status', async () => {
    parts.api.respond = () => 403;
    const calls: boolean[] = [];
    const auth = new AuthenticationMiddleware({
      authHeadersProvider: ({ forceRefresh }) => {
        calls.push(forceRefresh);
        return { 'x-api-key': 'sk-ant-api03-test-forbidden-key-0' };
      },
    });
    const { error } = await collect(
      queryWithMiddleware({ prompt: 'Hello', middleware: [auth], options: { env: sandbox.env } }),
    );
    expect(error).toMatchObject({ code: AuthErrorCode.API_AUTH_FAILED, status: 403 });
    expect(calls).toEqual([false]);
  });
});

describe('where a query sends each credential (real Claude Code)', { timeout: 60_000 }, () => {
  it('a subscription token ignores an inherited ANTHROPIC_BASE_URL and follows the explicit opt-in', async () => {
    const token = subscriptionToken();
    await sandbox.storage.saveToken(token);
    const { error } = await collect(
      queryWithOAuth({
        prompt: 'Hello',
        options: { env: { ...callEnv, [SUBSCRIPTION_BASE_URL_VARIABLE]: parts.api.url } },
      }),
    );
    expect(error).toBeUndefined();
    expect(decoy.requests).toEqual([]);
    for (const request of parts.api.messageRequests)
      expect(request.credential).toBe(token.accessToken);
  });

  it('refuses before spawning: plain http off loopback, and a gateway token with no API base URL stored', async () => {
    await sandbox.storage.saveToken(subscriptionToken());
    const overHttp = await collect(
      queryWithOAuth({
        prompt: 'Hello',
        options: { env: { ...callEnv, ANTHROPIC_BASE_URL: 'http://gateway.example' } },
      }),
    );
    expect(overHttp.error).toMatchObject({ code: AuthErrorCode.CONFIG_INVALID });
    await sandbox.storage.saveToken(oauthToken(3_600_000));
    const nowhere = await collect(queryWithOAuth({ prompt: 'Hello', options: { env: callEnv } }));
    expect(nowhere.error).toMatchObject({
      code: AuthErrorCode.CONFIG_INVALID,
      fix: expect.stringContaining('CLAUDE_OAUTH_API_BASE_URL'),
    });
    expect([...overHttp.messages, ...nowhere.messages]).toEqual([]);
    expect(decoy.requests).toEqual([]);
    expect(parts.api.requests).toEqual([]);
  });

  it("a settings file's ANTHROPIC_BASE_URL is judged like an inherited one", async () => {
    await sandbox.storage.saveToken(subscriptionToken());
    await writeFile(
      join(sandbox.configDir, 'settings.json'),
      JSON.stringify({ env: { ANTHROPIC_BASE_URL: decoy.url } }),
    );
    const { error } = await collect(
      queryWithOAuth({ prompt: 'Hello', options: { env: sandbox.env } }),
    );
    expect(error).toMatchObject({ code: AuthErrorCode.SETTINGS_CONFLICT });
    expect(decoy.requests).toEqual([]);
  });

  it('a 403 on a stored gateway token is reported, never answered with a refresh', async () => {
    const stored = oauthToken(3_600_000);
    const endpoint = await RotatingTokenEndpoint.start(stored.refreshToken as string);
    try {
      await sandbox.storage.saveToken(
        stored.with({
          provider: { clientId: 'c', tokenEndpoint: endpoint.url, apiBaseUrl: parts.api.url },
        }),
      );
      parts.api.respond = () => 403;
      const { error } = await collect(
        queryWithOAuth({ prompt: 'Hello', options: { env: callEnv } }),
      );
      expect(error).toMatchObject({ code: AuthErrorCode.API_AUTH_FAILED, status: 403 });
      expect(endpoint.refreshes).toBe(0);
    } finally {
      await endpoint.close();
    }
  });
});
