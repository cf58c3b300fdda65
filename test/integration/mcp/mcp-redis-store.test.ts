import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../../fixtures/redis-server.js';
import { storedProfiles } from '../../../src/cli/shared/stored-profiles.js';
import { openMcpStore } from '../../../src/mcp/mcp-store.js';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { knownSecrets, oauthToken } from '../../helpers/tokens.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(() => redis?.stop());

describe('MCP logins in a Redis store', () => {
  it('are kept apart from the profiles when the store enumerates them', async () => {
    const storeKey = randomBytes(32).toString('base64');
    knownSecrets.add(storeKey);
    const directory = await tempDir();
    const env = {
      CLAUDE_AUTH_DIR: directory,
      CLAUDE_AUTH_STORE_KEY: storeKey,
      CLAUDE_AUTH_STORE: `redis://127.0.0.1:${redis.port}/0?prefix=mcp-${randomBytes(4).toString('hex')}:`,
    };
    await TokenStorage.forProfile({ env }).saveToken(oauthToken(3_600_000));
    const mcp = TokenStorage.fromStore(openMcpStore({ serverUrl: 'https://mcp.example/mcp', env }));
    await mcp.saveToken(oauthToken(3_600_000));

    expect(await storedProfiles(env, {}, process.stderr)).toEqual(['default']);
    expect(mcp.path).toMatch(/profile:mcp\.default\.[A-Za-z0-9_-]{32}$/);
    expect(await mcp.loadToken()).not.toBeNull();
  });
});
