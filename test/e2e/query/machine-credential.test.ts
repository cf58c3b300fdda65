import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getAuthHeaders } from '../../../src/credentials/auth-headers.js';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { login } from '../../../src/login/login.js';
import { AuthenticationMiddleware, queryWithMiddleware } from '../../../src/query/middleware.js';
import { queryWithOAuth } from '../../../src/query/queries.js';
import type { MachineGrantType } from '../../../src/token/auth-token.js';
import {
  type ClaudeSandbox,
  claudeSandbox,
  collect,
  replyText,
  requestsOfSession,
} from '../../helpers/claude-code-env.js';
import { everythingIn } from '../../helpers/error-text.js';
import {
  CI_AUDIENCE,
  CI_CLIENT_ID,
  GATEWAY_AUDIENCE,
  MachineGrantServer,
  SECRET_CLIENT,
} from '../../helpers/machine-grant-server.js';
import { useMessagesApi } from '../../helpers/suite-fixtures.js';

// A running query with a machine credential (issue 22): the grant is repeated,
// exactly as a refresh, wherever a person's credential would be refreshed.

const parts = useMessagesApi();
let server: MachineGrantServer;
let sandbox: ClaudeSandbox;

beforeAll(async () => {
  server = await MachineGrantServer.start();
});
afterAll(async () => {
  await server?.close();
});
beforeEach(async () => {
  sandbox = await claudeSandbox(parts.api);
  // The stand-in is a gateway that accepts only tokens its provider says are active.
  parts.api.respond = async ({ credential }) =>
    (await server.oidc.introspect(credential ?? '')).active ? 200 : 401;
});

/** The query's environment for a job holding only what the grant needs: no token, no refresh token. */
async function machineEnv(grant: MachineGrantType): Promise<Record<string, string>> {
  const gateway = {
    ...sandbox.env,
    CLAUDE_OAUTH_ISSUER: server.issuer,
    CLAUDE_OAUTH_API_BASE_URL: parts.api.url,
  };
  if (grant === 'client_credentials')
    return {
      ...gateway,
      CLAUDE_OAUTH_CLIENT_ID: SECRET_CLIENT.id,
      CLAUDE_OAUTH_CLIENT_SECRET: SECRET_CLIENT.secret,
    };
  const tokenFile = join(sandbox.home, 'id-token');
  await writeFile(tokenFile, server.ci.sign({ audience: CI_AUDIENCE }), { mode: 0o600 });
  return {
    ...gateway,
    CLAUDE_OAUTH_CLIENT_ID: CI_CLIENT_ID,
    CLAUDE_OAUTH_SUBJECT_TOKEN_FILE: tokenFile,
    CLAUDE_OAUTH_AUDIENCE: GATEWAY_AUDIENCE,
  };
}

/** Logs the sandbox's default profile in with `grant`; returns its first token and the job's environment. */
async function machineLogin(grant: MachineGrantType) {
  const env = await machineEnv(grant);
  const first = await login({ machineGrant: grant, env, storage: sandbox.storage });
  return { first, env };
}

const GRANTS: readonly MachineGrantType[] = ['client_credentials', 'token-exchange'];

describe('queries with a stored machine credential, through the real Claude Code binary', () => {
  it.each(GRANTS)(
    '%s: a token already due is re-acquired with the same grant before Claude Code starts',
    async (grant) => {
      const { first, env } = await machineLogin(grant);
      await sandbox.storage.saveToken(first.with({ expiresAt: new Date(Date.now() - 1_000) }));
      const before = server.acquisitions.length;

      const { messages, error } = await collect(
        queryWithOAuth({ prompt: 'Hello', options: { env } }),
      );

      expect(error).toBeUndefined();
      expect(replyText(messages)).toBe(parts.api.reply);
      expect(server.acquisitions.length - before).toBe(1);
      const stored = await sandbox.storage.loadToken();
      expect(stored?.accessToken).not.toBe(first.accessToken);
      expect(stored?.grant?.type).toBe(grant);
      const requests = requestsOfSession(parts.api, messages);
      expect(requests.length).toBeGreaterThan(0);
      expect(requests.map((r) => r.credential)).toEqual(requests.map(() => stored?.accessToken));
    },
    60_000,
  );

  it.each(GRANTS)(
    '%s: a 401 on the stored token is renewed by repeating the grant, and the running CLI gets the new token',
    async (grant) => {
      const { first, env } = await machineLogin(grant);
      // The gateway has ended the first token (its provider still calls it active).
      parts.api.respond = async ({ credential }) =>
        credential !== first.accessToken && (await server.oidc.introspect(credential ?? '')).active
          ? 200
          : 401;
      const before = server.acquisitions.length;

      const { messages, error } = await collect(
        queryWithOAuth({ prompt: 'Hello', options: { env } }),
      );

      expect(error).toBeUndefined();
      expect(replyText(messages)).toBe(parts.api.reply);
      expect(server.acquisitions.length - before).toBe(1);
      const stored = await sandbox.storage.loadToken();
      expect(stored?.accessToken).not.toBe(first.accessToken);
      expect(stored?.grant?.type).toBe(grant);
      // A retry already on its way may still carry the refused token; it is not renewed again.
      const requests = requestsOfSession(parts.api, messages).map((r) => [r.credential, r.status]);
      expect(requests[0]).toEqual([first.accessToken, 401]);
      expect(requests.at(-1)).toEqual([stored?.accessToken, 200]);
      expect(requests.filter(([, status]) => status === 401).map(([token]) => token)).toEqual(
        requests.filter(([, status]) => status === 401).map(() => first.accessToken),
      );
    },
    60_000,
  );

  it('middleware + getAuthHeaders: a 401 on the stored token gets headers from a repeated grant, and the one retry succeeds', async () => {
    const { first, env } = await machineLogin('client_credentials');
    parts.api.respond = async ({ credential }) =>
      credential !== first.accessToken && (await server.oidc.introspect(credential ?? '')).active
        ? 200
        : 401;
    const before = server.acquisitions.length;
    const middleware = new AuthenticationMiddleware({
      authHeadersProvider: ({ forceRefresh }) => getAuthHeaders({ env, forceRefresh }),
    });

    const { messages, error } = await collect(
      queryWithMiddleware({ prompt: 'Hello', middleware: [middleware], options: { env } }),
    );

    expect(error).toBeUndefined();
    expect(replyText(messages)).toBe(parts.api.reply);
    expect(server.acquisitions.slice(before)).toEqual([
      { grantType: 'client_credentials', clientId: SECRET_CLIENT.id },
    ]);
    const stored = await sandbox.storage.loadToken();
    expect(stored?.accessToken).not.toBe(first.accessToken);
    const requests = requestsOfSession(parts.api, messages).map((r) => [r.credential, r.status]);
    expect(requests[0]).toEqual([first.accessToken, 401]);
    expect(requests.at(-1)).toEqual([stored?.accessToken, 200]);
  }, 60_000);

  it('a grant refused at re-acquisition (the client secret is wrong) ends with a typed error naming the variable, no secret in it', async () => {
    const { first, env } = await machineLogin('client_credentials');
    const wrongSecret = 'test-wrong-machine-secret-9876543210';
    parts.api.respond = ({ credential }) => (credential === first.accessToken ? 401 : 200);
    const before = server.acquisitions.length;

    const { error } = await collect(
      queryWithOAuth({
        prompt: 'Hello',
        options: { env: { ...env, CLAUDE_OAUTH_CLIENT_SECRET: wrongSecret } },
      }),
    );

    expect(error).toMatchObject({ code: AuthErrorCode.API_AUTH_FAILED, status: 401 });
    expect(server.acquisitions.length).toBe(before);
    expect((error as { fix: string }).fix).toContain('CLAUDE_OAUTH_CLIENT_SECRET');
    const everything = everythingIn(error);
    for (const secret of [wrongSecret, SECRET_CLIENT.secret, first.accessToken])
      expect(everything).not.toContain(secret);
    // Nothing stored is lost: the profile still holds its grant, for a run with the right secret.
    const stored = await sandbox.storage.loadToken();
    expect(stored?.grant?.type).toBe('client_credentials');
    expect(stored?.reauthRequired).toBe(false);
  }, 60_000);
});
