import { beforeEach, describe, expect, it } from 'vitest';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { authenticatedQuery, queryWithApiKey, queryWithOAuth } from '../../../src/query/queries.js';
import {
  type ClaudeSandbox,
  claudeSandbox,
  collect,
  replyText,
  subscriptionToken,
} from '../../helpers/claude-code-env.js';
import { recordingClaude } from '../../helpers/recording-claude.js';
import { useMessagesApi } from '../../helpers/suite-fixtures.js';
import { fakeSecret } from '../../helpers/tokens.js';

const parts = useMessagesApi();
let sandbox: ClaudeSandbox;

beforeEach(async () => {
  sandbox = await claudeSandbox(parts.api);
});

describe('the environment the real Claude Code starts with', { timeout: 60_000 }, () => {
  it.each([
    ['Bedrock', { CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: 'us-east-1' }],
    ['Vertex', { CLAUDE_CODE_USE_VERTEX: '1', CLOUD_ML_REGION: 'us-east5' }],
    ['Foundry', { CLAUDE_CODE_USE_FOUNDRY: '1', ANTHROPIC_FOUNDRY_RESOURCE: 'r' }],
  ])(
    'an inherited %s switch does not move a subscription query off its destination',
    async (_name, switches) => {
      const token = subscriptionToken();
      await sandbox.storage.saveToken(token);
      // Inherited: in the parent's own environment, not in the call's options.env.
      const before = Object.fromEntries(Object.keys(switches).map((n) => [n, process.env[n]]));
      Object.assign(process.env, switches);
      let outcome: Awaited<ReturnType<typeof collect>>;
      try {
        outcome = await collect(queryWithOAuth({ prompt: 'Hello', options: { env: sandbox.env } }));
      } finally {
        for (const [name, value] of Object.entries(before))
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
      }
      const { messages, error } = outcome;
      expect(error).toBeUndefined();
      expect(replyText(messages)).toBe(parts.api.reply);
      expect(parts.api.messageRequests.map((r) => r.credential)).toContain(token.accessToken);
    },
  );

  it("claude-auth's own secrets never reach Claude Code (its Bash tool could read them)", async () => {
    const launcher = await recordingClaude();
    const secrets = {
      CLAUDE_AUTH_STORE_KEY: fakeSecret('store-key'),
      CLAUDE_AUTH_STORE: `redis://:${fakeSecret('redis-password')}@127.0.0.1:1/0`,
      CLAUDE_OAUTH_CLIENT_SECRET: fakeSecret('client-secret'),
    };
    const apiKey = 'sk-ant-api03-test-env-key-000000';
    const { error } = await collect(
      queryWithApiKey({
        prompt: 'Hello',
        apiKey,
        options: { env: { ...sandbox.env, ...secrets }, pathToClaudeCodeExecutable: launcher.path },
      }),
    );
    expect(error).toBeUndefined();
    const seen = await launcher.environment();
    expect(seen?.ANTHROPIC_API_KEY).toBe(apiKey);
    const values = Object.values(seen ?? {}).join('\n');
    for (const [name, value] of Object.entries(secrets)) {
      expect(seen?.[name]).toBeUndefined();
      expect(values).not.toContain(value);
    }
  });
});

describe('a credential from the environment is checked once, as an option is', {
  timeout: 60_000,
}, () => {
  const KEY = 'sk-ant-api03-test-env-key-000000';

  it('an ANTHROPIC_API_KEY with a space is refused before Claude Code starts, as queryWithApiKey refuses it', async () => {
    const spaced = 'sk-ant-api03-test spaced-key-0000';
    const { error } = await collect(
      authenticatedQuery({
        prompt: 'Hello',
        options: { env: { ...sandbox.env, ANTHROPIC_API_KEY: spaced } },
      }),
    );
    expect(error).toMatchObject({
      code: AuthErrorCode.CONFIG_INVALID,
      message: expect.stringContaining('ANTHROPIC_API_KEY'),
    });
    expect((error as Error).message).not.toContain(spaced);
    expect(parts.api.requests).toEqual([]);
  });

  it('a whitespace-only CLAUDE_CODE_OAUTH_TOKEN is absent: the valid API key is sent, never an empty Bearer', async () => {
    const { error } = await collect(
      authenticatedQuery({
        prompt: 'Hello',
        options: { env: { ...sandbox.env, CLAUDE_CODE_OAUTH_TOKEN: ' ', ANTHROPIC_API_KEY: KEY } },
      }),
    );
    expect(error).toBeUndefined();
    const requests = parts.api.messageRequests;
    expect(requests.length).toBeGreaterThan(0);
    for (const request of requests) {
      expect(request.headers['x-api-key']).toBe(KEY);
      expect(request.headers.authorization).toBeUndefined();
    }
  });
});

describe('the Claude Code binary a query runs', { timeout: 60_000 }, () => {
  const KEY = 'sk-ant-api03-test-env-key-000000';

  it('is the one CLAUDE_AUTH_CLAUDE_PATH names, as for login', async () => {
    const launcher = await recordingClaude();
    const { error } = await collect(
      queryWithApiKey({
        prompt: 'Hello',
        apiKey: KEY,
        options: { env: { ...sandbox.env, CLAUDE_AUTH_CLAUDE_PATH: launcher.path } },
      }),
    );
    expect(error).toBeUndefined();
    expect((await launcher.environment())?.ANTHROPIC_API_KEY).toBe(KEY);
  });

  it('a CLAUDE_AUTH_CLAUDE_PATH that is not there is CLI_NOT_FOUND, before anything is sent', async () => {
    const { error } = await collect(
      queryWithApiKey({
        prompt: 'Hello',
        apiKey: KEY,
        options: { env: { ...sandbox.env, CLAUDE_AUTH_CLAUDE_PATH: `${sandbox.home}/no-claude` } },
      }),
    );
    expect(error).toMatchObject({
      code: AuthErrorCode.CLI_NOT_FOUND,
      fix: expect.stringContaining('CLAUDE_AUTH_CLAUDE_PATH'),
    });
    expect(parts.api.requests).toEqual([]);
  });

  it('options.pathToClaudeCodeExecutable still wins', async () => {
    const launcher = await recordingClaude();
    const { error } = await collect(
      queryWithApiKey({
        prompt: 'Hello',
        apiKey: KEY,
        options: {
          env: { ...sandbox.env, CLAUDE_AUTH_CLAUDE_PATH: `${sandbox.home}/no-claude` },
          pathToClaudeCodeExecutable: launcher.path,
        },
      }),
    );
    expect(error).toBeUndefined();
    expect(await launcher.environment()).toBeDefined();
  });
});
