import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import { runCliProcess } from '../../helpers/cli-process.js';
import { RotatingTokenEndpoint } from '../../helpers/rotating-token-endpoint.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { oauthToken } from '../../helpers/tokens.js';

let endpoint: RotatingTokenEndpoint | undefined;
afterEach(() => endpoint?.close());

/** A profile holding a gateway token that lives `lifetimeS`, obtained `ageS` ago, refreshed at a real endpoint. */
async function profileWith(lifetimeS: number, ageS: number) {
  const home = await tempDir('cli-token-');
  const now = Date.now() - ageS * 1000;
  const token = oauthToken(lifetimeS * 1000, now);
  endpoint = await RotatingTokenEndpoint.start(token.refreshToken as string, lifetimeS);
  const storage = new TokenStorage(join(home, '.claude_code', 'tokens.json'), 'default');
  await storage.saveToken(
    token.with({
      provider: { clientId: 'c', tokenEndpoint: endpoint.url, apiBaseUrl: 'https://gw.test' },
    }),
  );
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    CLAUDE_AUTH_DIR: join(home, '.claude_code'),
  };
  return { token, endpoint, env };
}

describe('claude-auth token: the refresh policy decides when to refresh', () => {
  it('prints a fresh 60-s gateway token as it is, call after call (no refresh per call)', async () => {
    const { token, endpoint, env } = await profileWith(60, 0);
    for (let i = 0; i < 3; i++) {
      const run = await runCliProcess(['token'], env);
      expect(run.code).toBe(0);
      expect(run.stdout.trim()).toBe(token.accessToken);
    }
    expect(endpoint.refreshes).toBe(0);
  }, 30_000);

  it('refreshes a token in its advisory window once; the new one serves the next calls', async () => {
    const { endpoint, env } = await profileWith(60, 40);
    const printed = new Set<string>();
    for (let i = 0; i < 3; i++) printed.add((await runCliProcess(['token'], env)).stdout.trim());
    expect(endpoint.refreshes).toBe(1);
    expect([...printed]).toEqual([endpoint.lastAccessToken]);
  }, 30_000);

  it('--min-ttl longer than the tokens live: exit 2 naming both, every call, without refreshing (issue 19)', async () => {
    const { endpoint, env } = await profileWith(600, 0);
    for (let i = 0; i < 3; i++) {
      const run = await runCliProcess(['token', '--min-ttl', '3600'], env);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/live 10 minutes.*--min-ttl 3600/);
    }
    expect(endpoint.refreshes).toBe(0);
  }, 30_000);

  it('--min-ttl within the lifetime: one refresh gives a token that meets it', async () => {
    const { endpoint, env } = await profileWith(600, 300);
    const run = await runCliProcess(['token', '--min-ttl', '400'], env);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(endpoint.lastAccessToken);
    expect(endpoint.refreshes).toBe(1);
  }, 30_000);
});
