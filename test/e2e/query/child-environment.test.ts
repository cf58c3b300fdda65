import { beforeEach, describe, expect, it } from 'vitest';
import { queryWithApiKey, queryWithOAuth } from '../../../src/query/queries.js';
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
      const { messages, error } = await collect(
        queryWithOAuth({ prompt: 'Hello', options: { env: { ...sandbox.env, ...switches } } }),
      );
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
