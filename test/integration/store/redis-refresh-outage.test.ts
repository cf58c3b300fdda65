import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../../fixtures/redis-server.js';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { TokenManager } from '../../../src/refresh/token-manager.js';
import type { CredentialStore } from '../../../src/store/credential-store.js';
import { RedisCredentialStore } from '../../../src/store/redis/redis-credential-store.js';
import type { AuthToken } from '../../../src/token/auth-token.js';
import { wrapTransactions } from '../../helpers/store-wrappers.js';
import { oauthToken } from '../../helpers/tokens.js';

// A Redis outage between the provider's answer and the store's write (issue 19, defect 5): the
// provider has rotated the refresh token, so the new one must reach the store or be kept.
let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(() => redis?.stop());

const env = { CLAUDE_AUTH_STORE_KEY: randomBytes(32).toString('base64') };
let profiles = 0;

/** A fresh profile holding an expired token, with refresh token `R0`. */
async function expiringProfile(): Promise<RedisCredentialStore> {
  const store = new RedisCredentialStore({
    url: redis.url({ prefix: 'outage:' }),
    profile: `p${++profiles}`,
    env,
  });
  await store.transact((tx) =>
    tx.write(oauthToken(-1_000, Date.now(), { refreshToken: 'R0' }), null),
  );
  return store;
}

/** A rotating provider: every refresh spends the refresh token given and issues the next. */
function rotatingProvider() {
  const spent: string[] = [];
  const refresh = async (token: AuthToken) => {
    spent.push(token.refreshToken as string);
    return oauthToken(3_600_000, Date.now(), { refreshToken: `R${spent.length}` });
  };
  return { spent, refresh };
}

/** `store` whose first write after a refresh finds Redis down; `after` runs once that write failed. */
function outageAtFirstWrite(store: CredentialStore, after: () => Promise<void>): CredentialStore {
  let failed = false;
  return wrapTransactions(store, (tx) => ({
    ...tx,
    write: async (next, expected) => {
      if (failed) return tx.write(next, expected);
      failed = true;
      await redis.kill9();
      try {
        return await tx.write(next, expected);
      } finally {
        await after();
      }
    },
  }));
}

describe('a Redis outage while a rotated token is being stored', () => {
  it('retries the write while the lease lasts: the rotated token is stored and the lease released', async () => {
    const store = await expiringProfile();
    const provider = rotatingProvider();
    const manager = new TokenManager({
      store: outageAtFirstWrite(store, () => redis.restart()),
      refresh: provider.refresh,
    });
    const token = await manager.getValidToken();
    expect(token.refreshToken).toBe('R1');
    expect((await store.read())?.token.refreshToken).toBe('R1');
    expect(provider.spent).toEqual(['R0']);
    // Released, not orphaned: the next command takes the lease without waiting for its TTL.
    await expect(store.transact(async () => 'taken', { waitMs: 0 })).resolves.toBe('taken');
  });

  it('an outage outlasting the lease: a typed error that says so; the token is kept and stored at the next call', async () => {
    const store = await expiringProfile();
    const provider = rotatingProvider();
    const manager = new TokenManager({
      store: outageAtFirstWrite(store, async () => undefined),
      refresh: provider.refresh,
      // A short lease, so the outage outlasts it.
      lock: { staleMs: 1_500 },
    });
    const failure = await manager.getValidToken().then(
      () => undefined,
      (error: unknown) => error as { code: string; message: string; fix: string },
    );
    expect(failure).toMatchObject({ code: AuthErrorCode.STORE_UNAVAILABLE });
    expect(failure?.message).toMatch(/rotated its refresh token/);
    expect(failure?.message).toMatch(/keeps them and stores them at its next call/);
    expect(failure?.fix).toMatch(/reachable again/);
    expect(JSON.stringify(failure)).not.toContain('R1');
    await redis.restart();
    const token = await manager.getValidToken();
    expect(token.refreshToken).toBe('R1');
    expect((await store.read())?.token.refreshToken).toBe('R1');
    // Stored, not refreshed again: the spent R0 was never sent twice.
    expect(provider.spent).toEqual(['R0']);
  });
});
