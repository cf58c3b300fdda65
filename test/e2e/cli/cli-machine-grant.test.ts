import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCliProcess } from '../../helpers/cli-process.js';
import {
  CI_AUDIENCE,
  CI_CLIENT_ID,
  GATEWAY_AUDIENCE,
  MachineGrantServer,
  SECRET_CLIENT,
  TOKEN_EXCHANGE,
} from '../../helpers/machine-grant-server.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { knownSecrets } from '../../helpers/tokens.js';

let server: MachineGrantServer;
beforeAll(async () => {
  // 60 s: the shortest lifetime a gateway plausibly issues; it must not be "due" on arrival.
  server = await MachineGrantServer.start({ accessTokenTtl: 60 });
});
afterAll(async () => {
  await server.close();
});

describe(`${CLI} with a machine identity`, () => {
  it('a CI job with only its identity token: login --token-exchange, status, token, refresh --force, logout', async () => {
    const home = await tempDir('cli-home-');
    const tokenFile = join(home, 'id-token');
    const identity = server.ci.sign({ audience: CI_AUDIENCE });
    knownSecrets.add(identity);
    await writeFile(tokenFile, identity, { mode: 0o600 });
    const env = {
      HOME: home,
      CLAUDE_AUTH_DIR: join(home, '.claude_code'),
      CLAUDE_OAUTH_CLIENT_ID: CI_CLIENT_ID,
      CLAUDE_OAUTH_ISSUER: server.issuer,
      CLAUDE_OAUTH_SUBJECT_TOKEN_FILE: tokenFile,
      CLAUDE_OAUTH_AUDIENCE: GATEWAY_AUDIENCE,
      CLAUDE_OAUTH_API_BASE_URL: 'http://127.0.0.1:9/gateway',
    };
    const exchanges = () =>
      server.acquisitions.filter((acquisition) => acquisition.grantType === TOKEN_EXCHANGE).length;

    const login = await runCliProcess(['login', '--profile', 'ci', '--token-exchange'], env);
    expect(login.code, login.stderr).toBe(0);
    expect(login.stderr).toContain('token-exchange grant');
    expect(exchanges()).toBe(1);

    const status = await runCliProcess(['status', '--profile', 'ci', '--json'], env);
    const document = JSON.parse(status.stdout);
    expect(document.resolution.answeredBy).not.toBeNull();
    expect(document.profiles).toHaveLength(1);
    expect(document.profiles[0]).toMatchObject({
      state: 'valid',
      hasRefreshToken: false,
      grant: { type: 'token-exchange', identityToken: tokenFile },
    });
    const human = await runCliProcess(['status', '--profile', 'ci'], env);
    expect(human.stdout).toContain(
      `token-exchange grant, acquired again when due (identity token from ${tokenFile})`,
    );

    // A fresh 60 s token is handed out as it is: one acquisition so far.
    const token = await runCliProcess(['token', '--profile', 'ci'], env);
    expect(token.code, token.stderr).toBe(0);
    const first = token.stdout.trim();
    expect(await server.oidc.introspect(first)).toMatchObject({
      active: true,
      client_id: CI_CLIENT_ID,
    });
    expect(exchanges()).toBe(1);

    const refresh = await runCliProcess(['refresh', '--profile', 'ci', '--force'], env);
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(exchanges()).toBe(2);
    const second = (await runCliProcess(['token', '--profile', 'ci'], env)).stdout.trim();
    expect(second).not.toBe(first);

    const logout = await runCliProcess(['logout', '--profile', 'ci'], env);
    expect(logout.code, logout.stderr).toBe(0);
    expect((await server.oidc.introspect(second)).active).toBe(false);
    expect((await runCliProcess(['token', '--profile', 'ci'], env)).code).toBe(3);
  }, 60_000);

  it('login --client-credentials with the secret in the environment; a missing secret at renewal names the variable', async () => {
    const home = await tempDir('cli-home-');
    knownSecrets.add(SECRET_CLIENT.secret);
    const env = {
      HOME: home,
      CLAUDE_AUTH_DIR: join(home, '.claude_code'),
      CLAUDE_OAUTH_CLIENT_ID: SECRET_CLIENT.id,
      CLAUDE_OAUTH_CLIENT_SECRET: SECRET_CLIENT.secret,
      CLAUDE_OAUTH_TOKEN_URL: server.tokenEndpoint,
    };
    const login = await runCliProcess(['login', '--client-credentials', '--json'], env);
    expect(login.code, login.stderr).toBe(0);
    expect(JSON.parse(login.stdout).credential.grant).toEqual({
      type: 'client_credentials',
      clientSecret: { env: 'CLAUDE_OAUTH_CLIENT_SECRET' },
    });
    const { CLAUDE_OAUTH_CLIENT_SECRET: _secret, ...withoutSecret } = env;
    const refresh = await runCliProcess(['refresh'], withoutSecret);
    expect(refresh.code).toBe(2);
    expect(refresh.stderr).toContain('export CLAUDE_OAUTH_CLIENT_SECRET=');
    const token = await runCliProcess(['token'], env);
    expect(token.code).toBe(0);
    expect((await server.oidc.introspect(token.stdout.trim())).active).toBe(true);
  }, 60_000);

  it('refuses two machine grants at once as a usage error', async () => {
    const run = await runCliProcess(['login', '--client-credentials', '--token-exchange'], {
      HOME: await tempDir('cli-home-'),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--client-credentials, --token-exchange');
  });
});
