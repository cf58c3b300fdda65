import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../../../fixtures/browser.js';
import { type CliRun, URL_RECORDING_BROWSER } from '../../../fixtures/built-cli.js';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import { CLI, runCliProcess } from '../../helpers/cli-process.js';
import { type InteropProvider, postForm } from '../../helpers/interop-provider.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { knownSecrets } from '../../helpers/tokens.js';

type Env = Record<string, string | undefined>;
type ClientKind = 'public' | 'confidential';
type Endpoints = 'discovery' | 'explicit';

/** What a server is known to do beyond the cases every server runs. */
export interface InteropOptions {
  /**
   * The server treats a replayed (already rotated) refresh token as theft and
   * revokes every refresh token of that client and user (Better Auth 1.7:
   * `invalidateRefreshFamily` deletes them, with the access tokens issued by
   * refresh), answering `invalid_grant`.
   */
  revokesRefreshFamilyOnReplay?: boolean;
}

/** The stored access and refresh tokens of a profile, registered as secrets no output may show. */
async function storedTokens(env: Env, profile: string) {
  const token = await new TokenStorage(
    join(env.CLAUDE_AUTH_DIR as string, `${profile}.json`),
  ).loadToken();
  if (token === null) throw new Error(`profile ${profile} has no token`);
  knownSecrets.add(token.accessToken);
  if (token.refreshToken !== undefined) knownSecrets.add(token.refreshToken);
  return { accessToken: token.accessToken, refreshToken: token.refreshToken as string };
}

/**
 * The same end-to-end cases against each authorization server, through the
 * built CLI configured by `CLAUDE_OAUTH_*` alone: browser login (public with
 * PKCE, and confidential) with discovery and with explicit endpoints, device
 * login where the server offers it, `status --json`, introspection of what
 * was issued, `refresh --force` with rotation, and `logout` with revocation.
 */
export function interopSuite(
  start: () => Promise<InteropProvider>,
  options: InteropOptions = {},
): void {
  const parts = {} as { server: InteropProvider; browser: TestBrowser };
  beforeAll(async () => {
    // Keep whichever started, so afterAll stops it even when the other failed.
    const [server, browser] = await Promise.allSettled([start(), TestBrowser.launch()]);
    if (server.status === 'fulfilled') parts.server = server.value;
    if (browser.status === 'fulfilled') parts.browser = browser.value;
    for (const outcome of [server, browser])
      if (outcome.status === 'rejected') throw outcome.reason;
  });
  afterAll(async () => {
    await parts.browser?.close();
    await parts.server?.close();
  });

  /** `CLAUDE_OAUTH_*` (and a private HOME) for one client kind and endpoint style. */
  async function cliEnv(
    client: ClientKind,
    endpoints: Endpoints,
    scopes = parts.server.scopes,
  ): Promise<Env> {
    const { server } = parts;
    const home = await tempDir('interop-home-');
    const configured =
      endpoints === 'discovery'
        ? {
            CLAUDE_OAUTH_ISSUER: server.issuer,
            CLAUDE_OAUTH_REVOCATION_URL: server.undiscoveredRevocation,
          }
        : {
            CLAUDE_OAUTH_AUTHORIZE_URL: server.endpoints.authorize,
            CLAUDE_OAUTH_TOKEN_URL: server.endpoints.token,
            CLAUDE_OAUTH_REVOCATION_URL: server.endpoints.revocation,
            CLAUDE_OAUTH_DEVICE_AUTHORIZATION_URL: server.endpoints.device,
          };
    return {
      HOME: home,
      CLAUDE_AUTH_DIR: join(home, '.claude_code'),
      CLAUDE_OAUTH_CLIENT_ID:
        client === 'public' ? server.publicClient.id : server.confidentialClient.id,
      CLAUDE_OAUTH_CLIENT_SECRET:
        client === 'public' ? undefined : server.confidentialClient.secret,
      CLAUDE_OAUTH_SCOPES: scopes,
      CLAUDE_OAUTH_REDIRECT_URI: await server.redirectUri(),
      ...configured,
    };
  }

  /** `claude-auth login --provider` with $BROWSER handing the URL to the test, which signs in. */
  async function browserLogin(env: Env, profile: string): Promise<CliRun> {
    const urlFile = join(env.HOME as string, 'browser-urls.txt');
    const pending = runCliProcess(
      ['login', '--provider', '--profile', profile, '--timeout', '60'],
      {
        ...env,
        BROWSER: URL_RECORDING_BROWSER,
        BROWSER_URL_FILE: urlFile,
      },
    );
    const url = await Promise.race([
      pending.then((run) => {
        throw new Error(`login ended before opening a browser: ${run.stderr}`);
      }),
      (async () => {
        await expect
          .poll(() => readFile(urlFile, 'utf8').catch(() => ''), { timeout: 20_000 })
          .toMatch(/^http/);
        return (await readFile(urlFile, 'utf8')).trim();
      })(),
    ]);
    const page = await parts.browser.context.newPage();
    try {
      await parts.server.signIn(page, url);
    } finally {
      await page.close();
    }
    return pending;
  }

  function expectLoggedIn(run: CliRun, profile: string, identity = true): void {
    // Without discovery no UserInfo endpoint is known: the account may be the ID token's subject.
    expect(run.stderr).toMatch(
      new RegExp(`Logged in to profile "${profile}"${identity ? ' as alice\\b' : ''}`),
    );
    expect(run.code).toBe(0);
  }

  /** status, introspection, refresh --force with rotation, logout with revocation, for one logged-in profile. */
  async function lifecycle(
    env: Env,
    profile: string,
    client: ClientKind,
    endpoints: Endpoints,
    identity = true,
  ): Promise<void> {
    const { server } = parts;
    const status = await runCliProcess(['status', '--profile', profile, '--json'], env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).profiles[0]).toMatchObject({
      kind: 'oauth',
      state: 'valid',
      hasRefreshToken: true,
      ...(endpoints === 'discovery' &&
        identity && {
          issuer: server.issuer,
          account: { email: server.userEmail },
        }),
    });

    const first = await storedTokens(env, profile);
    expect(await server.accessTokenActive(first.accessToken)).toBe(true);
    expect(await server.refreshTokenActive(first.refreshToken)).toBe(true);

    const refresh = await runCliProcess(
      ['refresh', '--force', '--profile', profile, '--json'],
      env,
    );
    expect(refresh.stderr).toMatch(/Refreshed profile/);
    expect(refresh.code).toBe(0);
    const second = await storedTokens(env, profile);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(await server.accessTokenActive(second.accessToken)).toBe(true);
    expect(await server.refreshTokenActive(second.refreshToken)).toBe(true);
    if (client === 'public' || server.rotatesConfidentialRefreshTokens) {
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect(await server.refreshTokenActive(first.refreshToken)).toBe(false);
    } else {
      expect(second.refreshToken).toBe(first.refreshToken);
    }

    const logout = await runCliProcess(['logout', '--profile', profile], env);
    expect(logout.code).toBe(0);
    expect(logout.stderr).toMatch(new RegExp(`Logged out of profile "${profile}"`));
    if (client === 'public' && !server.revokesForPublicClients) {
      // The server demands client authentication at its revocation endpoint:
      // the user must learn, for each token, that it refused and with which
      // status (not a parse error) — and that is the truth at the server.
      for (const token of ['access token', 'refresh token'])
        expect(logout.stderr).toMatch(
          new RegExp(`${token} was not revoked[^\\n]*refused[^\\n]*HTTP 401\\b`),
        );
      expect(logout.stderr).not.toMatch(/content-type/i);
      expect(await server.refreshTokenActive(second.refreshToken)).toBe(true);
    } else {
      expect(logout.stderr).toMatch(/the provider revoked its tokens/);
      expect(logout.stderr).not.toMatch(/not revoked|failed|refused/i);
      expect(await server.accessTokenActive(second.accessToken)).toBe(false);
      expect(await server.refreshTokenActive(second.refreshToken)).toBe(false);
    }
    expect((await runCliProcess(['status', '--profile', profile], env)).code).toBe(3);
  }

  // Two logins cover both client kinds and both ways of finding the endpoints
  // within the suite's time budget (a browser login and its lifecycle take ~10 s here).
  const cases: [ClientKind, Endpoints][] = [
    ['public', 'discovery'],
    ['confidential', 'explicit'],
  ];
  describe.each(cases)('browser login, %s client, %s', (client, endpoints) => {
    it('logs in through the server pages, then status, refresh --force and logout act on live tokens', async () => {
      const env = await cliEnv(client, endpoints);
      expectLoggedIn(await browserLogin(env, 'gw'), 'gw');
      await lifecycle(env, 'gw', client, endpoints);
    }, 90_000);
  });

  // A user who wants a refresh token and no identity: no openid, so no ID token may be demanded.
  it('browser login asking for offline_access only, public client, discovery: no ID token expected', async () => {
    if (!parts.server.offersOfflineAccess) {
      // Django OAuth Toolkit 1.7 issues refresh tokens by its own policy; its metadata offers no such scope.
      const metadata = await fetch(`${parts.server.issuer}/.well-known/openid-configuration`);
      const { scopes_supported: offered = [] } = (await metadata.json()) as {
        scopes_supported?: string[];
      };
      expect(offered).not.toContain('offline_access');
      return;
    }
    const env = await cliEnv('public', 'discovery', 'offline_access');
    expectLoggedIn(await browserLogin(env, 'offline'), 'offline', false);
    const stored = await new TokenStorage(
      join(env.CLAUDE_AUTH_DIR as string, 'offline.json'),
    ).loadToken();
    expect(stored?.scopes).not.toContain('openid');
    await lifecycle(env, 'offline', 'public', 'discovery', false);
  }, 90_000);

  // Declared only where the server does it, so no other server's suite shows a skipped case.
  if (options.revokesRefreshFamilyOnReplay === true)
    it('rotation with family revocation: a replayed old refresh token ends the family; claude-auth then asks for a new login, keeping the account', async () => {
      const { server } = parts;
      const env = await cliEnv('public', 'discovery');
      expectLoggedIn(await browserLogin(env, 'family'), 'family');
      const first = await storedTokens(env, 'family');

      const refresh = await runCliProcess(['refresh', '--force', '--profile', 'family'], env);
      expect(refresh.stderr).toMatch(/Refreshed profile/);
      expect(refresh.code).toBe(0);
      const second = await storedTokens(env, 'family');
      // Rotation: a new refresh token is stored, and the server has retired the old one.
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect(await server.refreshTokenActive(first.refreshToken)).toBe(false);
      expect(await server.refreshTokenActive(second.refreshToken)).toBe(true);
      expect(await server.accessTokenActive(second.accessToken)).toBe(true);

      // Someone replays the old refresh token (as a thief holding a copy would) at the token endpoint.
      const replay = await postForm(server.endpoints.token, {
        grant_type: 'refresh_token',
        refresh_token: first.refreshToken,
        client_id: server.publicClient.id,
      });
      expect(replay.status).toBe(400);
      expect(replay.body).toMatchObject({ error: 'invalid_grant' });
      // The whole family ends: the refresh token claude-auth holds, and the access token refreshed with it.
      expect(await server.refreshTokenActive(second.refreshToken)).toBe(false);
      expect(await server.accessTokenActive(second.accessToken)).toBe(false);

      const storage = new TokenStorage(join(env.CLAUDE_AUTH_DIR as string, 'family.json'));
      const before = await storage.loadToken();
      expect(before?.account?.email).toBe(server.userEmail);

      const forced = await runCliProcess(['refresh', '--force', '--profile', 'family'], env);
      expect(forced.code).toBe(4); // ExitCode.REAUTH_REQUIRED
      expect(forced.stderr).toMatch(/invalid_grant/);
      expect(forced.stderr).toMatch(/claude-auth login --profile family\b/);
      const token = await runCliProcess(['token', '--profile', 'family'], env);
      expect(token.code).toBe(4);
      expect(token.stdout).toBe('');
      expect(token.stderr).toMatch(/claude-auth login --profile family\b/);

      // Marked "re-login required", not deleted: the account and the refused tokens stay on record.
      const after = await storage.loadToken();
      expect(after).not.toBeNull();
      expect(after?.reauthRequired).toBe(true);
      expect(after?.account).toEqual(before?.account);
      expect(after?.provider?.issuer).toBe(server.issuer);
      expect(after?.refreshToken).toBe(second.refreshToken);
      const status = await runCliProcess(['status', '--profile', 'family', '--json'], env);
      expect(status.code).toBe(4);
      expect(JSON.parse(status.stdout).profiles[0]).toMatchObject({
        state: 'reauth-required',
        account: { email: server.userEmail },
        fix: 'claude-auth login --profile family',
      });
    }, 90_000);

  it('device login (RFC 8628) where the server offers it, approved on its pages', async () => {
    const { server } = parts;
    if (server.endpoints.device === undefined || server.approveDevice === undefined) {
      // Django OAuth Toolkit 1.7 has no device grant: the CLI must say so, not hang.
      const env = await cliEnv('public', 'explicit');
      const run = await runCliProcess(['login', '--provider', '--device', '--profile', 'dev'], env);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toMatch(/device/i);
      return;
    }
    const env = await cliEnv('public', 'discovery');
    const child = spawn(
      process.execPath,
      [CLI, 'login', '--provider', '--device', '--profile', 'dev'],
      {
        env: { PATH: process.env.PATH, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await expect.poll(() => /\(or open (\S+)\)/.test(stderr), { timeout: 20_000 }).toBe(true);
    await server.approveDevice(
      parts.browser.context,
      (/\(or open (\S+)\)/.exec(stderr) as RegExpExecArray)[1] as string,
    );
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/Logged in to profile "dev" as alice\b/);
    const tokens = await storedTokens(env, 'dev');
    expect(await server.accessTokenActive(tokens.accessToken)).toBe(true);
  }, 90_000);
}
