import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAuthHeaders } from '../../../src/credentials/auth-headers.js';
import { AuthErrorCode, AuthenticationError } from '../../../src/errors/authentication-error.js';
import { login, logout } from '../../../src/login/login.js';
import { refreshProviderToken } from '../../../src/oauth/provider-tokens.js';
import { TokenManager } from '../../../src/refresh/token-manager.js';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import { everythingIn } from '../../helpers/error-text.js';
import {
  CI_AUDIENCE,
  CI_CLIENT_ID,
  GATEWAY_AUDIENCE,
  KEY_CLIENT_ID,
  MachineGrantServer,
  SECRET_CLIENT,
  UNTRUSTED_CLIENT,
} from '../../helpers/machine-grant-server.js';
import { tempDir } from '../../helpers/temp-dir.js';

let server: MachineGrantServer;

beforeAll(async () => {
  server = await MachineGrantServer.start();
});
afterAll(async () => {
  await server.close();
});

async function storageIn(dir: string): Promise<TokenStorage> {
  return new TokenStorage(join(dir, 'tokens.json'), 'machine');
}

async function failure(promise: Promise<unknown>): Promise<AuthenticationError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AuthenticationError);
  return error as AuthenticationError;
}

describe('client credentials (RFC 6749 §4.4) on oidc-provider', () => {
  it('logs in with the secret, stores where it comes from and never the secret, and the gateway knows the token', async () => {
    const dir = await tempDir();
    const storage = await storageIn(dir);
    const env = {
      CLAUDE_OAUTH_CLIENT_ID: SECRET_CLIENT.id,
      CLAUDE_OAUTH_CLIENT_SECRET: SECRET_CLIENT.secret,
      CLAUDE_OAUTH_ISSUER: server.issuer,
      CLAUDE_OAUTH_API_BASE_URL: 'https://gateway.example',
    };
    const before = server.acquisitions.length;
    const token = await login({ machineGrant: 'client_credentials', env, storage });
    expect(server.acquisitions.slice(before)).toEqual([
      { grantType: 'client_credentials', clientId: SECRET_CLIENT.id },
    ]);
    const introspection = await server.oidc.introspect(token.accessToken);
    expect(introspection).toMatchObject({ active: true, client_id: SECRET_CLIENT.id });
    const file = await readFile(join(dir, 'tokens.json'), 'utf8');
    expect(file).not.toContain(SECRET_CLIENT.secret);
    const stored = JSON.parse(file);
    expect(stored.grant).toEqual({
      type: 'client_credentials',
      clientSecret: { env: 'CLAUDE_OAUTH_CLIENT_SECRET' },
    });
    expect(stored.refreshToken).toBeUndefined();
    expect(stored.provider).toMatchObject({
      clientId: SECRET_CLIENT.id,
      issuer: server.issuer,
      apiBaseUrl: 'https://gateway.example/',
    });
  });

  it.each([
    ['a PEM', 'privatePem'],
    ['a JWK with its kid', 'privateJwk'],
  ] as const)('authenticates by private_key_jwt with %s key file', async (_label, form) => {
    const dir = await tempDir();
    const keyFile = join(dir, 'client-key');
    const key = server.clientKey[form];
    await writeFile(keyFile, typeof key === 'string' ? key : JSON.stringify(key), { mode: 0o600 });
    const token = await login({
      machineGrant: 'client_credentials',
      env: {
        CLAUDE_OAUTH_CLIENT_ID: KEY_CLIENT_ID,
        CLAUDE_OAUTH_CLIENT_ASSERTION_KEY_FILE: keyFile,
        CLAUDE_OAUTH_ISSUER: server.issuer,
      },
      storage: await storageIn(dir),
    });
    expect(await server.oidc.introspect(token.accessToken)).toMatchObject({
      active: true,
      client_id: KEY_CLIENT_ID,
    });
    expect(token.grant).toEqual({
      type: 'client_credentials',
      clientAssertionKey: { file: keyFile },
    });
    expect(await readFile(join(dir, 'tokens.json'), 'utf8')).not.toContain('"d"');
  });

  it('acquires again with the same grant when refreshed, reading the secret from its variable then', async () => {
    const dir = await tempDir();
    const storage = await storageIn(dir);
    const env = {
      CLAUDE_OAUTH_CLIENT_ID: SECRET_CLIENT.id,
      CLAUDE_OAUTH_CLIENT_SECRET: SECRET_CLIENT.secret,
      CLAUDE_OAUTH_TOKEN_URL: server.tokenEndpoint,
    };
    const first = await login({ machineGrant: 'client_credentials', env, storage });
    const manager = new TokenManager({
      storage,
      refresh: (token, { signal }) =>
        refreshProviderToken(token, { env, ...(signal !== undefined && { signal }) }),
    });
    const before = server.acquisitions.length;
    const next = await manager.refreshNow();
    expect(server.acquisitions.length - before).toBe(1);
    expect(next.accessToken).not.toBe(first.accessToken);
    expect(next.grant).toEqual(first.grant);
    expect((await storage.loadToken())?.accessToken).toBe(next.accessToken);

    // The secret is read at acquisition: without it, the error names the variable and
    // the stored credential stays as it was.
    const error = await failure(
      new TokenManager({
        storage,
        refresh: (token) => refreshProviderToken(token, { env: {} }),
      }).refreshNow(),
    );
    expect(error.code).toBe(AuthErrorCode.CONFIG_INVALID);
    expect(error.fix).toContain('CLAUDE_OAUTH_CLIENT_SECRET');
    expect((await storage.loadToken())?.accessToken).toBe(next.accessToken);
  });

  it('getAuthHeaders acquires again when the refresh policy says due, reading the secret from the handler env', async () => {
    const storage = await storageIn(await tempDir());
    const env = {
      CLAUDE_OAUTH_CLIENT_ID: SECRET_CLIENT.id,
      CLAUDE_OAUTH_CLIENT_SECRET: SECRET_CLIENT.secret,
      CLAUDE_OAUTH_ISSUER: server.issuer,
    };
    const first = await login({ machineGrant: 'client_credentials', env, storage });
    const fresh = await getAuthHeaders({ tokenStorage: storage, env });
    expect(fresh.authorization).toBe(`Bearer ${first.accessToken}`);
    const before = server.acquisitions.length;
    // 10 s before its expiry (the server's tokens live an hour): in the mandatory window.
    const later = () => Date.now() + 3_590_000;
    const due = await getAuthHeaders({ tokenStorage: storage, env, now: later });
    expect(server.acquisitions.length - before).toBe(1);
    expect(due.authorization).not.toBe(fresh.authorization);
    expect(due.authorization).toBe(`Bearer ${(await storage.loadToken())?.accessToken}`);
  });

  it('logout removes the profile and revokes the access token (RFC 7009), authenticating as the grant says', async () => {
    const dir = await tempDir();
    const storage = await storageIn(dir);
    const env = {
      CLAUDE_OAUTH_CLIENT_ID: SECRET_CLIENT.id,
      CLAUDE_OAUTH_CLIENT_SECRET: SECRET_CLIENT.secret,
      CLAUDE_OAUTH_ISSUER: server.issuer,
    };
    const token = await login({ machineGrant: 'client_credentials', env, storage });
    const result = await logout({ storage, env });
    expect(result).toMatchObject({ removed: true, revoked: true });
    expect(result.revocations).toEqual([
      { token: 'access_token', revoked: true, outcome: 'confirmed' },
    ]);
    expect((await server.oidc.introspect(token.accessToken)).active).toBe(false);
    expect(await storage.loadToken()).toBeNull();
  });
});

describe('bad input to a machine login', () => {
  it('refuses a missing or unreadable key file naming the file, keeping what was stored', async () => {
    const dir = await tempDir();
    const storage = await storageIn(dir);
    const good = await login({
      machineGrant: 'client_credentials',
      env: {
        CLAUDE_OAUTH_CLIENT_ID: SECRET_CLIENT.id,
        CLAUDE_OAUTH_CLIENT_SECRET: SECRET_CLIENT.secret,
        CLAUDE_OAUTH_ISSUER: server.issuer,
      },
      storage,
    });
    const unreadable = join(dir, 'unreadable-key');
    await writeFile(unreadable, server.clientKey.privatePem);
    await chmod(unreadable, 0o000);
    const notAKey = join(dir, 'not-a-key');
    await writeFile(notAKey, 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7');
    for (const keyFile of [
      join(dir, 'missing-key'),
      dir,
      notAKey,
      ...(process.getuid?.() === 0 ? [] : [unreadable]),
    ]) {
      const error = await failure(
        login({
          machineGrant: 'client_credentials',
          env: {
            CLAUDE_OAUTH_CLIENT_ID: KEY_CLIENT_ID,
            CLAUDE_OAUTH_CLIENT_ASSERTION_KEY_FILE: keyFile,
            CLAUDE_OAUTH_ISSUER: server.issuer,
          },
          storage,
        }),
      );
      expect(error.code, keyFile).toBe(AuthErrorCode.CONFIG_INVALID);
      expect(error.message, keyFile).toContain(keyFile);
      expect(everythingIn(error)).not.toContain(
        'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7',
      );
      expect((await storage.loadToken())?.accessToken).toBe(good.accessToken);
    }
  });

  it('names the client and the grant when the server refuses it (unauthorized_client)', async () => {
    const dir = await tempDir();
    const identity = server.ci.sign({ audience: CI_AUDIENCE });
    const tokenFile = join(dir, 'id-token');
    await writeFile(tokenFile, identity);
    const error = await failure(
      login({
        machineGrant: 'token-exchange',
        env: {
          CLAUDE_OAUTH_CLIENT_ID: UNTRUSTED_CLIENT.id,
          CLAUDE_OAUTH_CLIENT_SECRET: UNTRUSTED_CLIENT.secret,
          CLAUDE_OAUTH_ISSUER: server.issuer,
          CLAUDE_OAUTH_SUBJECT_TOKEN_FILE: tokenFile,
        },
        storage: await storageIn(dir),
      }),
    );
    expect(error.code).toBe(AuthErrorCode.TOKEN_ENDPOINT_ERROR);
    expect(error.oauthError?.error).toBe('unauthorized_client');
    expect(error.fix).toContain('CLAUDE_OAUTH_CLIENT_ID');
    expect(error.fix).toContain(UNTRUSTED_CLIENT.id);
    expect(error.fix).toContain('token-exchange');
    expect(everythingIn(error)).not.toContain(UNTRUSTED_CLIENT.secret);
    expect(everythingIn(error)).not.toContain(identity);
  });
});

describe('token exchange (RFC 8693) of a CI identity token, and the JWT bearer grant (RFC 7523 §2.1)', () => {
  async function ciJob(token: string) {
    const dir = await tempDir();
    const tokenFile = join(dir, 'id-token');
    await writeFile(tokenFile, token, { mode: 0o600 });
    return { dir, tokenFile, storage: await storageIn(dir) };
  }
  const exchangeEnv = (tokenFile: string, extra: Record<string, string> = {}) => ({
    CLAUDE_OAUTH_CLIENT_ID: CI_CLIENT_ID,
    CLAUDE_OAUTH_ISSUER: server.issuer,
    CLAUDE_OAUTH_SUBJECT_TOKEN_FILE: tokenFile,
    CLAUDE_OAUTH_AUDIENCE: GATEWAY_AUDIENCE,
    ...extra,
  });

  it.each([
    ['token-exchange', 'urn:ietf:params:oauth:grant-type:token-exchange'],
    ['jwt-bearer', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
  ] as const)(
    '%s: the job identity is verified by the gateway, and the file is read again at every acquisition',
    async (grant, uri) => {
      const job = await ciJob(server.ci.sign({ audience: CI_AUDIENCE, ref: 'refs/heads/main' }));
      const env = exchangeEnv(job.tokenFile);
      const before = server.acquisitions.length;
      const fetchesBefore = server.ci.jwksFetches;
      const token = await login({ machineGrant: grant, env, storage: job.storage });
      expect(server.acquisitions.slice(before)).toEqual([
        {
          grantType: uri,
          clientId: CI_CLIENT_ID,
          subject: 'repo:example-org/example-repo:ref:refs/heads/main',
        },
      ]);
      expect(server.ci.jwksFetches).toBeGreaterThan(fetchesBefore);
      expect(token.grant).toMatchObject({ type: grant, subjectToken: { file: job.tokenFile } });
      const stored = await readFile(join(job.dir, 'tokens.json'), 'utf8');
      expect(stored).not.toContain(await readFile(job.tokenFile, 'utf8'));

      // The platform rewrites the file (a new job step, a rotated token): the next acquisition uses it.
      await writeFile(
        job.tokenFile,
        server.ci.sign({ audience: CI_AUDIENCE, ref: 'refs/heads/next' }),
      );
      await new TokenManager({
        storage: job.storage,
        refresh: (t) => refreshProviderToken(t, { env }),
      }).refreshNow();
      expect(server.acquisitions.at(-1)?.subject).toBe(
        'repo:example-org/example-repo:ref:refs/heads/next',
      );
    },
  );

  it('refuses an expired identity token before sending it, naming the file; nothing stored is lost', async () => {
    const job = await ciJob(server.ci.sign({ audience: CI_AUDIENCE }));
    const env = exchangeEnv(job.tokenFile);
    const good = await login({ machineGrant: 'token-exchange', env, storage: job.storage });
    const expired = server.ci.sign({ audience: CI_AUDIENCE }, Date.now() - 3_600_000);
    await writeFile(job.tokenFile, expired);
    const before = server.acquisitions.length;
    const manager = new TokenManager({
      storage: job.storage,
      refresh: (t) => refreshProviderToken(t, { env }),
    });
    const error = await failure(manager.refreshNow());
    expect(error.code).toBe(AuthErrorCode.IDENTITY_TOKEN_EXPIRED);
    expect(error.fix).toContain(job.tokenFile);
    expect(everythingIn(error)).not.toContain(expired);
    expect(server.acquisitions.length).toBe(before);
    const kept = await job.storage.loadToken();
    expect(kept?.accessToken).toBe(good.accessToken);
    expect(kept?.reauthRequired).toBe(false);
  });

  it.each([
    [
      'invalid_grant: a repository outside the trusted organisation',
      () => server.ci.sign({ audience: CI_AUDIENCE, repository: 'someone-else/fork' }),
      {},
      'invalid_grant',
      'CLAUDE_OAUTH_SUBJECT_TOKEN_FILE',
    ],
    [
      'invalid_target: an audience the gateway does not serve',
      () => server.ci.sign({ audience: CI_AUDIENCE }),
      { CLAUDE_OAUTH_AUDIENCE: 'another-service' },
      'invalid_target',
      'CLAUDE_OAUTH_AUDIENCE',
    ],
  ] as const)(
    '%s: a typed error whose fix names what to check, the identity token nowhere in it',
    async (_label, sign, extra, expected, named) => {
      const identity = sign();
      const job = await ciJob(identity);
      const error = await failure(
        login({
          machineGrant: 'token-exchange',
          env: exchangeEnv(job.tokenFile, extra),
          storage: job.storage,
        }),
      );
      expect(error.code).toBe(AuthErrorCode.TOKEN_ENDPOINT_ERROR);
      expect(error.oauthError?.error).toBe(expected);
      expect(error.fix).toContain(
        named === 'CLAUDE_OAUTH_SUBJECT_TOKEN_FILE' ? job.tokenFile : named,
      );
      expect(everythingIn(error)).not.toContain(identity);
      expect(await job.storage.loadToken()).toBeNull();
    },
  );

  it('a refused re-acquisition leaves the stored credential usable for the next one (no re-login mark)', async () => {
    const job = await ciJob(server.ci.sign({ audience: CI_AUDIENCE }));
    const env = exchangeEnv(job.tokenFile);
    const good = await login({ machineGrant: 'token-exchange', env, storage: job.storage });
    await writeFile(job.tokenFile, server.ci.sign({ audience: 'somebody-else' }));
    const manager = new TokenManager({
      storage: job.storage,
      refresh: (t) => refreshProviderToken(t, { env }),
    });
    expect((await failure(manager.refreshNow())).oauthError?.error).toBe('invalid_grant');
    expect((await job.storage.loadToken())?.reauthRequired).toBe(false);
    await writeFile(job.tokenFile, server.ci.sign({ audience: CI_AUDIENCE }));
    const next = await manager.refreshNow();
    expect(next.accessToken).not.toBe(good.accessToken);
  });
});
