import { afterAll, beforeAll, expect, it } from 'vitest';
import { OidcServer, TEST_USER } from '../../../fixtures/oidc-server.js';
import { signInWithoutBrowser } from '../../../sandbox/scripted-user-agent.js';
import { OAuthFlow } from '../../../src/oauth/oauth-flow.js';
import { serializeTokenFile } from '../../../src/token/token-file-format.js';
import { childScript, startNode } from '../../helpers/child-process.js';
import { capturedOutput, nativeConfig } from '../../helpers/oauth-fixture.js';
import { type SecretServiceSession, startSecretService } from '../../helpers/secret-service.js';
import { tempDir } from '../../helpers/temp-dir.js';

const PROCESSES = 8;
const REFRESHES_EACH = 3;

let oidc: OidcServer;
let keyring: SecretServiceSession;
const grants = { refreshed: 0, invalidGrant: 0 };

beforeAll(async () => {
  // oidc-provider rotates a public client's refresh token on every use and
  // revokes the whole grant when a rotated one comes back (strict replay detection).
  oidc = await OidcServer.start({ accessTokenTtl: 60 });
  oidc.provider.on('grant.success', (ctx) => {
    if (ctx.oidc.params?.grant_type === 'refresh_token') grants.refreshed++;
  });
  oidc.provider.on('grant.error', (_ctx, error) => {
    if ((error as { error?: string }).error === 'invalid_grant') grants.invalidGrant++;
  });
  keyring = await startSecretService();
});
afterAll(async () => {
  await keyring?.stop();
  await oidc?.close();
});

function runChild(env: NodeJS.ProcessEnv, ...args: string[]): Promise<Record<string, unknown>> {
  const child = startNode(childScript('keychain-store-op.mjs'), args, env);
  child.stdin?.end();
  let stdout = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  return new Promise((resolve) =>
    child.once('exit', () => resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null'))),
  );
}

it(`${PROCESSES} processes refreshing through the keychain store spend no refresh token twice`, async () => {
  const flow = new OAuthFlow(nativeConfig(oidc), {
    output: capturedOutput().stream,
    openBrowser: async (url) => {
      void signInWithoutBrowser(url, TEST_USER.login);
      return true;
    },
  });
  const token = await flow.login();
  const env = {
    ...keyring.env,
    CLAUDE_AUTH_DIR: await tempDir(),
    KC_TOKEN: serializeTokenFile(token),
  };
  expect(await runChild(env, 'write')).toMatchObject({ written: true });

  const results = await Promise.all(
    Array.from({ length: PROCESSES }, () => runChild(env, 'refresh', String(REFRESHES_EACH))),
  );

  for (const result of results) expect(result).toEqual({ ok: REFRESHES_EACH, errors: [] });
  expect(grants.invalidGrant).toBe(0);
  // A process that finds the token refreshed meanwhile uses it rather than refreshing again.
  expect(grants.refreshed).toBeGreaterThanOrEqual(REFRESHES_EACH);
  expect(grants.refreshed).toBeLessThanOrEqual(PROCESSES * REFRESHES_EACH);
  // The last rotated refresh token is the one stored, and it still works.
  expect(await runChild(env, 'refresh', '1')).toEqual({ ok: 1, errors: [] });
});
