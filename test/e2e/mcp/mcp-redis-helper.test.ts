import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MCP_TOOL, McpResourceServer } from '../../../fixtures/mcp-resource-server.js';
import { type RedisAclUser, RedisServer } from '../../../fixtures/redis-server.js';
import { queryWithApiKey } from '../../../src/query/queries.js';
import { claudeSandbox, collect } from '../../helpers/claude-code-env.js';
import { headlessMcpLogin } from '../../helpers/mcp-headless-login.js';
import { useMessagesApi } from '../../helpers/suite-fixtures.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { knownSecrets } from '../../helpers/tokens.js';

const parts = useMessagesApi();
const user: RedisAclUser = {
  name: 'fleet',
  password: `redis-pw-${randomBytes(12).toString('hex')}`,
  prefix: 'mcp-fleet:',
};
let mcp: McpResourceServer;
let redis: RedisServer;
beforeAll(async () => {
  knownSecrets.add(user.password);
  [mcp, redis] = await Promise.all([
    McpResourceServer.start(),
    RedisServer.start({ users: [user] }),
  ]);
});
afterAll(async () => {
  await mcp?.close();
  redis?.stop();
});

/** A private file holding `text`, as the README tells users to make one. */
async function privateFile(name: string, text: string): Promise<string> {
  const path = join(await tempDir(), name);
  await writeFile(path, text, { mode: 0o600 });
  return path;
}

function toolQuery(env: NodeJS.ProcessEnv) {
  return queryWithApiKey({
    prompt: 'Who are you?',
    apiKey: 'sk-ant-api03-test-key-0000000000',
    options: {
      env,
      mcpServers: { docs: { type: 'http', url: mcp.url, alwaysLoad: true } },
      allowedTools: [`mcp__docs__${MCP_TOOL.name}`],
    },
  });
}

describe('MCP logins in a Redis store, through the real Claude Code binary', () => {
  it('the helper Claude Code runs opens the store from *_FILE variables: no secret in its environment', async () => {
    const sandbox = await claudeSandbox(parts.api);
    const storeKey = randomBytes(32).toString('base64');
    knownSecrets.add(storeKey);
    const env = {
      ...sandbox.env,
      CLAUDE_AUTH_STORE: redis
        .url({ prefix: `${user.prefix}a:` })
        .replace('redis://', `redis://${user.name}@`),
      CLAUDE_AUTH_REDIS_PASSWORD_FILE: await privateFile('redis-password', `${user.password}\n`),
      CLAUDE_AUTH_STORE_KEY_FILE: await privateFile('store.key', `${storeKey}\n`),
    };
    const { token } = await headlessMcpLogin(mcp, env).login;
    const calls = mcp.toolCalls;
    parts.api.toolUse = `mcp__docs__${MCP_TOOL.name}`;
    try {
      expect((await collect(toolQuery(env))).error).toBeUndefined();
    } finally {
      parts.api.toolUse = undefined;
    }
    expect(mcp.toolCalls).toBe(calls + 1);
    expect(mcp.bearers).toContain(token.accessToken);
  }, 120_000);

  it('a store the helper could not open (the key given inline) fails before Claude Code starts, naming CLAUDE_AUTH_STORE_KEY_FILE', async () => {
    const sandbox = await claudeSandbox(parts.api);
    const storeKey = randomBytes(32).toString('base64');
    knownSecrets.add(storeKey);
    const env = {
      ...sandbox.env,
      CLAUDE_AUTH_STORE: redis.url({ prefix: `${user.prefix}b:`, user }),
      CLAUDE_AUTH_STORE_KEY: storeKey,
    };
    await headlessMcpLogin(mcp, env).login;
    const calls = mcp.toolCalls;
    parts.api.toolUse = `mcp__docs__${MCP_TOOL.name}`;
    let outcome: Awaited<ReturnType<typeof collect>>;
    try {
      outcome = await collect(toolQuery(env));
    } finally {
      parts.api.toolUse = undefined;
    }
    expect(outcome.messages).toEqual([]);
    expect(outcome.error).toMatchObject({
      code: 'CONFIG_INVALID',
      fix: expect.stringContaining('CLAUDE_AUTH_STORE_KEY_FILE'),
    });
    expect(outcome.error).toMatchObject({
      fix: expect.stringContaining('CLAUDE_AUTH_REDIS_PASSWORD_FILE'),
    });
    expect(JSON.stringify(outcome.error)).not.toContain(storeKey);
    expect(JSON.stringify(outcome.error)).not.toContain(user.password);
    expect(mcp.toolCalls).toBe(calls);
  }, 120_000);
});
