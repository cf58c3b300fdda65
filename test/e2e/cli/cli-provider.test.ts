import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { approveDeviceCode, signInAsUser } from '../../../fixtures/browser.js';
import { URL_RECORDING_BROWSER } from '../../../fixtures/built-cli.js';
import { NATIVE_CLIENT_ID, TEST_USER } from '../../../fixtures/oidc-server.js';
import { CLI, runCliProcess } from '../../helpers/cli-process.js';
import { useProvider } from '../../helpers/suite-fixtures.js';
import { tempDir } from '../../helpers/temp-dir.js';

const parts = useProvider({ browser: true });

describe('claude-auth against a configured OAuth provider', () => {
  it('logs in through $BROWSER and a real browser, then token, refresh, status and logout (with revocation)', async () => {
    const home = await tempDir('cli-home-');
    const urlFile = join(home, 'browser-urls.txt');
    const env = {
      HOME: home,
      CLAUDE_AUTH_DIR: join(home, '.claude_code'),
      CLAUDE_OAUTH_ISSUER: parts.oidc.issuer,
      CLAUDE_OAUTH_CLIENT_ID: NATIVE_CLIENT_ID,
      CLAUDE_OAUTH_REDIRECT_URI: 'http://localhost:0/callback',
      CLAUDE_OAUTH_SCOPES: 'openid email offline_access',
      CLAUDE_OAUTH_API_BASE_URL: 'http://127.0.0.1:9/gateway',
      BROWSER: URL_RECORDING_BROWSER,
      BROWSER_URL_FILE: urlFile,
    };
    const pending = runCliProcess(
      ['login', '--profile', 'gw', '--provider', '--timeout', '60'],
      env,
    );
    await expect
      .poll(() => readFile(urlFile, 'utf8').catch(() => ''), { timeout: 15_000 })
      .toMatch(/^http/);
    await signInAsUser(
      await parts.browser.context.newPage(),
      (await readFile(urlFile, 'utf8')).trim(),
    );
    const login = await pending;
    expect(login.code).toBe(0);
    expect(login.stderr).toMatch(new RegExp(`Logged in to profile "gw" as ${TEST_USER.email}`));

    const first = await runCliProcess(['token', '--profile', 'gw'], env);
    expect(first.code).toBe(0);
    expect((await parts.oidc.introspect(first.stdout.trim())).active).toBe(true);
    const renewed = await runCliProcess(['token', '--profile', 'gw', '--min-ttl', '7200'], env);
    expect(renewed.stdout.trim()).not.toBe(first.stdout.trim());

    const refresh = await runCliProcess(['refresh', '--profile', 'gw', '--json'], env);
    expect(refresh.code).toBe(0);
    expect(JSON.parse(refresh.stdout)).toMatchObject({
      profile: 'gw',
      refreshed: true,
      credential: { kind: 'oauth', accessToken: '[REDACTED]' },
    });

    const status = JSON.parse(
      (await runCliProcess(['status', '--profile', 'gw', '--json'], env)).stdout,
    );
    expect(status.profiles[0]).toMatchObject({
      kind: 'oauth',
      state: 'valid',
      issuer: parts.oidc.issuer,
      hasRefreshToken: true,
      apiBaseUrl: 'http://127.0.0.1:9/gateway',
      account: { email: TEST_USER.email },
    });

    const current = (await runCliProcess(['token', '--profile', 'gw'], env)).stdout.trim();
    const logout = await runCliProcess(['logout', '--profile', 'gw'], env);
    expect(logout.stderr).toMatch(/the provider revoked its tokens/);
    expect((await parts.oidc.introspect(current)).active).toBe(false);
    expect((await runCliProcess(['status', '--profile', 'gw'], env)).code).toBe(3);
  }, 60_000);

  it('logs in with --device: the code shown is approved in the browser, the CLI polls and stores the token', async () => {
    const home = await tempDir('cli-home-');
    const env = {
      PATH: process.env.PATH,
      HOME: home,
      CLAUDE_AUTH_DIR: join(home, '.claude_code'),
      CLAUDE_OAUTH_ISSUER: parts.oidc.issuer,
      CLAUDE_OAUTH_CLIENT_ID: NATIVE_CLIENT_ID,
      CLAUDE_OAUTH_SCOPES: 'openid email offline_access',
    };
    const child = spawn(
      process.execPath,
      [CLI, 'login', '--provider', '--device', '--profile', 'dev'],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await expect.poll(() => /\(or open (\S+)\)/.test(stderr), { timeout: 15_000 }).toBe(true);
    await approveDeviceCode(
      parts.browser.context,
      (/\(or open (\S+)\)/.exec(stderr) as RegExpExecArray)[1] as string,
    );
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/enter the code [A-Z]{4}-?[A-Z]{4}/);
    expect(stderr).toMatch(/Logged in to profile "dev" as alice@example\.test/);
    const status = JSON.parse(
      (await runCliProcess(['status', '--profile', 'dev', '--json'], env)).stdout,
    );
    expect(status.profiles[0]).toMatchObject({
      kind: 'oauth',
      state: 'valid',
      hasRefreshToken: true,
    });
  }, 60_000);

  it('logs out offline: the local credential goes even when the provider is unreachable', async () => {
    const home = await tempDir('cli-home-');
    const env = { HOME: home, CLAUDE_AUTH_DIR: join(home, '.claude_code') };
    const { TokenStorage } = await import('../../../src/storage/token-storage.js');
    const { oauthToken } = await import('../../helpers/tokens.js');
    await new TokenStorage(join(home, '.claude_code', 'tokens.json')).saveToken(
      oauthToken(-1000, Date.now(), {
        provider: {
          clientId: 'c',
          tokenEndpoint: 'http://127.0.0.1:9/token',
          revocationEndpoint: 'http://127.0.0.1:9/revoke',
        },
      }),
    );
    const logout = await runCliProcess(['logout'], env);
    expect(logout.code).toBe(0);
    expect(logout.stderr).toMatch(
      /Logged out of profile "default"[\s\S]*access token was not revoked \(the local logout is done\)[\s\S]*refresh token was not revoked/,
    );
    expect((await runCliProcess(['status'], env)).code).toBe(3);
  });
});
