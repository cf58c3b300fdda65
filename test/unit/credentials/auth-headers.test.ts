import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getAuthHeaders } from '../../../src/credentials/auth-headers.js';
import { ClaudeAuth } from '../../../src/credentials/claude-auth.js';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import { subscriptionToken } from '../../helpers/claude-code-env.js';
import { RotatingTokenEndpoint } from '../../helpers/rotating-token-endpoint.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { oauthToken } from '../../helpers/tokens.js';

const API_KEY = 'sk-ant-api03-test-key-for-headers-0000';

async function environment(): Promise<NodeJS.ProcessEnv> {
  const home = await tempDir('headers-home-');
  const configDir = join(home, '.claude');
  await mkdir(configDir);
  await writeFile(
    join(configDir, '.credentials.json'),
    JSON.stringify({
      claudeAiOauth: {
        accessToken: 'sk-ant-oat01-claude-code-own-login',
        refreshToken: 'sk-ant-ort01-refresh',
        expiresAt: Date.now() + 3_600_000,
        scopes: ['user:inference'],
      },
    }),
    { mode: 0o600 },
  );
  return {
    HOME: home,
    CLAUDE_CONFIG_DIR: configDir,
    CLAUDE_AUTH_DIR: join(home, '.claude_code'),
    ANTHROPIC_API_KEY: API_KEY,
  };
}

describe('getAuthHeaders: each call is answered for its own options', () => {
  it('useClaudeCodeLogin decides per call, whatever an earlier call chose', async () => {
    const env = await environment();
    expect(await getAuthHeaders({ env })).toMatchObject({
      authorization: 'Bearer sk-ant-oat01-claude-code-own-login',
    });
    expect(await getAuthHeaders({ env, useClaudeCodeLogin: false })).toEqual({
      'x-api-key': API_KEY,
    });
    expect(await getAuthHeaders({ env, useOAuth: false })).toEqual({ 'x-api-key': API_KEY });
    expect(await getAuthHeaders({ env })).toMatchObject({
      authorization: 'Bearer sk-ant-oat01-claude-code-own-login',
    });
  });

  it('a clock, a storage or a key given to one call is never reused for another', async () => {
    const env = await environment();
    const stored = subscriptionToken(86_400_000, 'h');
    await TokenStorage.forProfile({ env }).saveToken(stored);
    const later = Date.now() + 2 * 86_400_000;
    expect(await getAuthHeaders({ env })).toMatchObject({
      authorization: `Bearer ${stored.accessToken}`,
    });
    await expect(getAuthHeaders({ env, now: () => later })).rejects.toMatchObject({
      code: 'REAUTH_REQUIRED',
    });
    const other = new TokenStorage(join(env.HOME as string, 'other.json'));
    expect(await getAuthHeaders({ env, tokenStorage: other })).toMatchObject({
      authorization: 'Bearer sk-ant-oat01-claude-code-own-login',
    });
    expect(
      await getAuthHeaders({ env, useOAuth: false, apiKey: 'sk-ant-api03-other-key' }),
    ).toEqual({
      'x-api-key': 'sk-ant-api03-other-key',
    });
  });
});

describe('getAuthHeaders({ forceRefresh }) after a 401', () => {
  it('refreshes the stored token even when the handler answering the call has handed out nothing yet', async () => {
    const env = await environment();
    const stored = oauthToken(3_600_000);
    const endpoint = await RotatingTokenEndpoint.start(stored.refreshToken as string);
    try {
      const storage = new TokenStorage(join(env.HOME as string, 'gateway.json'));
      await storage.saveToken(
        stored.with({
          provider: { clientId: 'c', tokenEndpoint: endpoint.url, apiBaseUrl: 'https://gw.test' },
        }),
      );
      // An object option gives the call a handler of its own, as after a 401 in the middleware.
      const headers = await getAuthHeaders({ env, tokenStorage: storage, forceRefresh: true });
      expect(endpoint.refreshes).toBe(1);
      expect(headers.authorization).toBe(`Bearer ${endpoint.lastAccessToken}`);
      const again = await new ClaudeAuth({ env, tokenStorage: storage }).getAuthHeaders({
        forceRefresh: true,
      });
      expect(endpoint.refreshes).toBe(2);
      expect(again.authorization).toBe(`Bearer ${endpoint.lastAccessToken}`);
    } finally {
      await endpoint.close();
    }
  });
});
