import { beforeEach, describe, expect, it } from 'vitest';
import { OAUTH_BETA } from '../../../src/credentials/resolved-credential.js';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import {
  authenticatedQuery,
  query,
  queryWithApiKey,
  queryWithOAuth,
} from '../../../src/query/queries.js';
import {
  type ClaudeSandbox,
  claudeSandbox,
  collect,
  replyText,
  subscriptionToken,
  writeClaudeCodeLogin,
} from '../../helpers/claude-code-env.js';
import { useMessagesApi } from '../../helpers/suite-fixtures.js';
import { oauthToken } from '../../helpers/tokens.js';

const parts = useMessagesApi();
let sandbox: ClaudeSandbox;

beforeEach(async () => {
  sandbox = await claudeSandbox(parts.api);
});

const API_KEY = 'sk-ant-api03-test-key-0000000000';

function onlyCredentialSeen() {
  const requests = parts.api.messageRequests;
  expect(requests.length).toBeGreaterThan(0);
  return requests;
}

describe('each entry point through the real Claude Code binary', () => {
  it('query() merges options.env over process.env and keeps ANTHROPIC_API_KEY working', async () => {
    const { messages, error } = await collect(
      query({ prompt: 'Hello', options: { env: { ...sandbox.env, ANTHROPIC_API_KEY: API_KEY } } }),
    );
    expect(error).toBeUndefined();
    expect(replyText(messages)).toBe(parts.api.reply);
    for (const request of onlyCredentialSeen()) {
      expect(request.headers['x-api-key']).toBe(API_KEY);
      expect(request.headers.authorization).toBeUndefined();
    }
  });

  it('queryWithApiKey sends x-api-key and removes competing variables', async () => {
    const env = {
      ...sandbox.env,
      CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat01-competing',
      ANTHROPIC_AUTH_TOKEN: 'competing-bearer',
    };
    const { messages, error } = await collect(
      queryWithApiKey({ prompt: 'Hello', apiKey: API_KEY, options: { env } }),
    );
    expect(error).toBeUndefined();
    expect(messages.at(-1)).toMatchObject({ type: 'result', subtype: 'success' });
    for (const request of onlyCredentialSeen()) {
      expect(request.headers['x-api-key']).toBe(API_KEY);
      expect(request.headers.authorization).toBeUndefined();
    }
  });

  it('queryWithOAuth sends a stored subscription token as Bearer with the OAuth beta, over an ANTHROPIC_API_KEY', async () => {
    const token = subscriptionToken();
    await sandbox.storage.saveToken(token);
    const { error } = await collect(
      queryWithOAuth({
        prompt: 'Hello',
        options: { env: { ...sandbox.env, ANTHROPIC_API_KEY: API_KEY } },
      }),
    );
    expect(error).toBeUndefined();
    for (const request of onlyCredentialSeen()) {
      expect(request.headers.authorization).toBe(`Bearer ${token.accessToken}`);
      expect(String(request.headers['anthropic-beta'])).toContain(OAUTH_BETA);
      expect(request.headers['x-api-key']).toBeUndefined();
    }
  });

  it('queryWithOAuth sends a stored gateway token as Bearer without the beta, to the gateway base URL', async () => {
    const token = oauthToken(3_600_000, Date.now(), {
      provider: {
        clientId: 'c',
        tokenEndpoint: 'http://127.0.0.1:1/token',
        apiBaseUrl: parts.api.url,
      },
    });
    await sandbox.storage.saveToken(token);
    const { ANTHROPIC_BASE_URL: _notNeeded, ...env } = sandbox.env;
    const { error } = await collect(queryWithOAuth({ prompt: 'Hello', options: { env } }));
    expect(error).toBeUndefined();
    for (const request of onlyCredentialSeen()) {
      expect(request.headers.authorization).toBe(`Bearer ${token.accessToken}`);
      expect(String(request.headers['anthropic-beta'] ?? '')).not.toContain(OAUTH_BETA);
      expect(request.headers['x-api-key']).toBeUndefined();
    }
  });

  it("queryWithOAuth uses Claude Code's own login by injecting nothing", async () => {
    await writeClaudeCodeLogin(sandbox, 'sk-ant-oat01-claude-code-own-login-token');
    const { error } = await collect(
      queryWithOAuth({ prompt: 'Hello', options: { env: sandbox.env } }),
    );
    expect(error).toBeUndefined();
    for (const request of onlyCredentialSeen()) {
      expect(request.headers.authorization).toBe('Bearer sk-ant-oat01-claude-code-own-login-token');
      expect(String(request.headers['anthropic-beta'])).toContain(OAUTH_BETA);
    }
  });

  it('authenticatedQuery falls back to the API key when no OAuth credential exists', async () => {
    const { error } = await collect(
      authenticatedQuery({
        prompt: 'Hello',
        useOAuth: true,
        apiKey: API_KEY,
        options: { env: sandbox.env },
      }),
    );
    expect(error).toBeUndefined();
    for (const request of onlyCredentialSeen()) expect(request.headers['x-api-key']).toBe(API_KEY);
  });

  it('authenticatedQuery prefers OAuth when both exist', async () => {
    const token = subscriptionToken();
    await sandbox.storage.saveToken(token);
    const { error } = await collect(
      authenticatedQuery({
        prompt: 'Hello',
        useOAuth: true,
        apiKey: API_KEY,
        options: { env: sandbox.env },
      }),
    );
    expect(error).toBeUndefined();
    for (const request of onlyCredentialSeen()) {
      expect(request.headers.authorization).toBe(`Bearer ${token.accessToken}`);
      expect(request.headers['x-api-key']).toBeUndefined();
    }
  });

  it('fails with NO_CREDENTIALS before spawning anything', async () => {
    const { error, messages } = await collect(
      queryWithOAuth({ prompt: 'Hello', options: { env: sandbox.env } }),
    );
    expect(error).toMatchObject({
      code: AuthErrorCode.NO_CREDENTIALS,
      fix: expect.stringContaining('claude-auth login'),
    });
    expect(messages).toEqual([]);
    expect(parts.api.requests).toEqual([]);
  });

  it('fails with REAUTH_REQUIRED before spawning for an expired subscription token', async () => {
    await sandbox.storage.saveToken(subscriptionToken(-1000));
    const { error } = await collect(
      queryWithOAuth({ prompt: 'Hello', options: { env: sandbox.env } }),
    );
    expect(error).toMatchObject({ code: AuthErrorCode.REAUTH_REQUIRED });
    expect(parts.api.requests).toEqual([]);
  });

  it('rejects an API key with spaces before spawning', async () => {
    const { error } = await collect(
      queryWithApiKey({ prompt: 'Hello', apiKey: ` ${API_KEY} `, options: { env: sandbox.env } }),
    );
    expect(error).toMatchObject({ code: AuthErrorCode.CONFIG_INVALID });
    expect(String((error as Error).message)).not.toContain(API_KEY);
  });
});
