import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ClaudeAuth } from '../../../src/credentials/claude-auth.js';
import { STORE_RECHECK_MS } from '../../../src/refresh/token-manager.js';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import { subscriptionToken } from '../../helpers/claude-code-env.js';
import { runCliProcess } from '../../helpers/cli-process.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { fakeSecret } from '../../helpers/tokens.js';

const YEAR = 365 * 86_400_000;

let env: Record<string, string>;
let storage: TokenStorage;
/** The long-running process's clock, moved by hand: "after the interval" needs no sleep. */
let now: number;
let auth: ClaudeAuth;

beforeEach(async () => {
  const home = await tempDir('logout-elsewhere-');
  env = {
    HOME: home,
    CLAUDE_AUTH_DIR: join(home, '.claude_code'),
    CLAUDE_CONFIG_DIR: join(home, '.claude'),
    ANTHROPIC_API_KEY: `sk-ant-api03-${fakeSecret('api-key')}`,
  };
  storage = TokenStorage.forProfile({ env });
  now = Date.now();
  // One handler for the whole test: the token cache a long-running process keeps.
  auth = new ClaudeAuth({ env, now: () => now });
});

describe('a long-running process and the CLI run in another process', () => {
  it('uses the API key once `claude-auth logout` ran elsewhere, not the cached year-long token', async () => {
    const login = subscriptionToken(YEAR);
    await storage.saveToken(login);
    expect((await auth.getAuthHeaders()).authorization).toBe(`Bearer ${login.accessToken}`);

    const logout = await runCliProcess(['logout'], env);
    expect(logout.code).toBe(0);
    expect(await storage.loadToken()).toBeNull();

    now += STORE_RECHECK_MS;
    const headers = await auth.getAuthHeaders();
    expect(headers.authorization).toBeUndefined();
    expect(headers['x-api-key']).toBe(env.ANTHROPIC_API_KEY);
  });

  it('uses the token of a new `claude-auth login` run elsewhere', async () => {
    const first = subscriptionToken(YEAR, 'a');
    await storage.saveToken(first);
    expect((await auth.getAuthHeaders()).authorization).toBe(`Bearer ${first.accessToken}`);

    const next = `sk-ant-oat01-${'N'.repeat(90)}AA`;
    const login = await runCliProcess(['login', '--with-token'], env, `${next}\n`);
    expect(login.code).toBe(0);

    now += STORE_RECHECK_MS;
    expect((await auth.getAuthHeaders()).authorization).toBe(`Bearer ${next}`);
  });
});
