import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../../fixtures/redis-server.js';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { type RefreshFunction, TokenManager } from '../../../src/refresh/token-manager.js';
import type { CredentialStore } from '../../../src/store/credential-store.js';
import { RedisCredentialStore } from '../../../src/store/redis/redis-credential-store.js';
import { wrapTransactions } from '../../helpers/store-wrappers.js';
import { oauthToken } from '../../helpers/tokens.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(() => redis?.stop());

const env = { CLAUDE_AUTH_STORE_KEY: randomBytes(32).toString('base64') };
let profiles = 0;

function redisStore(): RedisCredentialStore {
  return new RedisCredentialStore({
    url: redis.url({ prefix: 'tm:' }),
    profile: `p${++profiles}`,
    env,
  });
}

function countingRefresh(): { refresh: RefreshFunction; calls: () => number } {
  let calls = 0;
  return {
    calls: () => calls,
    refresh: async (token) => {
      calls++;
      return token.with({
        accessToken: `refreshed-${calls}-${randomBytes(4).toString('hex')}`,
        refreshToken: `rotated-${calls}-${randomBytes(4).toString('hex')}`,
        expiresAt: new Date(Date.now() + 3_600_000),
        obtainedAt: new Date(),
      });
    },
  };
}

/** The store, with every read inside a transaction stalled until less than `leftMs` of the lease remains. */
function stallingInside(store: CredentialStore, leftMs: number): CredentialStore {
  return wrapTransactions(store, (tx) => ({
    ...tx,
    read: async () => {
      // A process descheduled (or swapped out) right after taking the lease.
      await new Promise((resolve) => setTimeout(resolve, tx.leaseRemainingMs() - leftMs + 50));
      return tx.read();
    },
  }));
}

describe('TokenManager over the Redis store', () => {
  it('a holder whose remaining lease is shorter than the refresh timeout does not send the request', async () => {
    const store = redisStore();
    const expired = oauthToken(-1_000);
    await store.transact((tx) => tx.write(expired, null));
    const { refresh, calls } = countingRefresh();
    const manager = new TokenManager({
      store: stallingInside(store, 1_000),
      refresh,
      refreshTimeoutMs: 1_500,
      lock: { staleMs: 3_000 },
    });
    await expect(manager.getValidToken()).rejects.toMatchObject({
      code: AuthErrorCode.STORAGE_LOCK_TIMEOUT,
    });
    expect(calls()).toBe(0);
    expect((await store.read())?.token.refreshToken).toBe(expired.refreshToken);
    // With the lease intact the same manager refreshes once.
    const healthy = new TokenManager({ store, refresh, refreshTimeoutMs: 1_500 });
    await healthy.getValidToken();
    expect(calls()).toBe(1);
  });

  it('Redis down: a cached valid token keeps serving until its mandatory window, then STORE_UNAVAILABLE; it recovers by itself', async () => {
    const store = redisStore();
    const start = Date.now();
    // Lifetime 10 min: advisory window 5 min before expiry, mandatory 30 s before.
    const token = oauthToken(600_000, start);
    await store.transact((tx) => tx.write(token, null));
    let now = start;
    const backgroundErrors: unknown[] = [];
    const { refresh, calls } = countingRefresh();
    const manager = new TokenManager({
      store,
      refresh,
      now: () => now,
      onBackgroundRefreshError: (error) => backgroundErrors.push(error),
    });
    expect((await manager.getValidToken()).accessToken).toBe(token.accessToken);
    await redis.kill9();
    try {
      now = start + 60_000;
      expect((await manager.getValidToken()).accessToken).toBe(token.accessToken);
      // Advisory window: the background refresh fails, the current token still serves.
      now = start + 400_000;
      expect((await manager.getValidToken()).accessToken).toBe(token.accessToken);
      await expect
        .poll(() => backgroundErrors.length, { interval: 20, timeout: 10_000 })
        .toBeGreaterThan(0);
      expect(backgroundErrors[0]).toMatchObject({ code: AuthErrorCode.STORE_UNAVAILABLE });
      // Mandatory window: callers wait for a refresh, which cannot happen.
      now = start + 590_000;
      await expect(manager.getValidToken()).rejects.toMatchObject({
        code: AuthErrorCode.STORE_UNAVAILABLE,
      });
      expect(calls()).toBe(0);
    } finally {
      await redis.restart();
    }
    const fresh = await manager.getValidToken();
    expect(fresh.accessToken).toMatch(/^refreshed-1-/);
    expect((await store.read())?.token.accessToken).toBe(fresh.accessToken);
  });
});
