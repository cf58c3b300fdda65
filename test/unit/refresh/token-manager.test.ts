import { symlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuthErrorCode, AuthenticationError } from '../../../src/errors/authentication-error.js';
import {
  ADVISORY_REFRESH_WINDOW_MS,
  MANDATORY_REFRESH_WINDOW_MS,
} from '../../../src/refresh/refresh-policy.js';
import {
  type RefreshFunction,
  STORE_RECHECK_MS,
  TokenManager,
} from '../../../src/refresh/token-manager.js';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import type { CredentialStore } from '../../../src/store/credential-store.js';
import { resolvedFilePath } from '../../../src/store/file/secure-file.js';
import type { AuthToken } from '../../../src/token/auth-token.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { fakeSecret, oauthToken } from '../../helpers/tokens.js';

const HOUR = 3_600_000;

/** A clock the test moves by hand, and a refresh function that counts and records its calls. */
async function setup(initial: (now: number) => AuthToken | null = (now) => oauthToken(HOUR, now)) {
  let now = Date.parse('2026-03-01T12:00:00Z');
  const storage = new TokenStorage(join(await tempDir(), 'tokens.json'), 'work');
  const first = initial(now);
  if (first) await storage.saveToken(first);
  const calls: AuthToken[] = [];
  let behaviour: RefreshFunction = async (token) =>
    token.with({
      accessToken: fakeSecret('access'),
      refreshToken: fakeSecret('refresh'),
      expiresAt: new Date(now + HOUR),
    });
  const refresh: RefreshFunction = (token, context) => {
    calls.push(token);
    return behaviour(token, context);
  };
  const manager = new TokenManager({ storage, refresh, now: () => now });
  return {
    storage,
    manager,
    calls,
    first,
    advance: (ms: number) => {
      now += ms;
    },
    now: () => now,
    onRefresh: (next: RefreshFunction) => {
      behaviour = next;
    },
  };
}

/** Makes the lock of `path` look abandoned (a holder stalled past its lease). */
async function staleLock(path: string): Promise<void> {
  const longAgo = new Date(0);
  await utimes(`${await resolvedFilePath(path)}.lock`, longAgo, longAgo);
}

const invalidGrant = () =>
  new AuthenticationError(AuthErrorCode.TOKEN_ENDPOINT_ERROR, 'refused', {
    status: 400,
    oauthError: { error: 'invalid_grant' },
  });

describe('TokenManager', () => {
  it('serves a fresh token without refreshing', async () => {
    const { manager, calls, first } = await setup();
    expect((await manager.getValidToken()).accessToken).toBe(first?.accessToken);
    expect(calls).toHaveLength(0);
  });

  it('says "not logged in", with the fix for the profile, when nothing is stored', async () => {
    const { manager } = await setup(() => null);
    await expect(manager.getValidToken()).rejects.toMatchObject({
      code: AuthErrorCode.NOT_LOGGED_IN,
      fix: 'claude-auth login --profile work',
    });
  });

  it('in the advisory window refreshes in the background and keeps serving the current token', async () => {
    const { manager, calls, first, advance, storage, onRefresh, now } = await setup();
    advance(HOUR - ADVISORY_REFRESH_WINDOW_MS + 1);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    onRefresh(async (token) => {
      await gate;
      return token.with({ accessToken: fakeSecret('access'), expiresAt: new Date(now() + HOUR) });
    });
    expect((await manager.getValidToken()).accessToken).toBe(first?.accessToken);
    expect((await manager.getValidToken()).accessToken).toBe(first?.accessToken);
    await expect.poll(() => calls.length).toBe(1);
    release();
    await expect
      .poll(async () => (await storage.loadToken())?.accessToken)
      .not.toBe(first?.accessToken);
    const refreshed = await storage.loadToken();
    await expect
      .poll(async () => (await manager.getValidToken()).accessToken)
      .toBe(refreshed?.accessToken);
    expect(calls).toHaveLength(1);
  });

  it('in the mandatory window makes callers wait, and many callers share one refresh', async () => {
    const { manager, calls, advance, storage } = await setup();
    advance(HOUR - MANDATORY_REFRESH_WINDOW_MS + 1);
    const tokens = await Promise.all(Array.from({ length: 50 }, () => manager.getValidToken()));
    expect(calls).toHaveLength(1);
    const stored = await storage.loadToken();
    expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set([stored?.accessToken]));
  });

  it('persists the rotated refresh token before handing out the new access token', async () => {
    const { manager, advance, storage, onRefresh, now } = await setup();
    advance(HOUR);
    let refreshTokenIssued = '';
    onRefresh(async (token) => {
      refreshTokenIssued = fakeSecret('rotated');
      return token.with({
        accessToken: fakeSecret('access'),
        refreshToken: refreshTokenIssued,
        expiresAt: new Date(now() + HOUR),
      });
    });
    const token = await manager.getValidToken();
    const stored = await storage.loadToken();
    expect(stored?.refreshToken).toBe(refreshTokenIssued);
    expect(stored?.accessToken).toBe(token.accessToken);
  });

  it('keeps the old refresh token and the account when the server returns neither (RFC 6749 §6)', async () => {
    const { manager, advance, storage, onRefresh, now, first } = await setup();
    advance(HOUR);
    onRefresh(async (token) =>
      oauthToken(HOUR, now(), {
        refreshToken: undefined,
        account: undefined,
        accessToken: fakeSecret('a'),
      }).with({ provider: token.provider as NonNullable<typeof token.provider> }),
    );
    await manager.getValidToken();
    const stored = await storage.loadToken();
    expect(stored?.refreshToken).toBe(first?.refreshToken);
    expect(stored?.account).toEqual(first?.account);
  });

  it('honours minTtlMs', async () => {
    const { manager, calls } = await setup();
    await manager.getValidToken({ minTtlMs: 2 * HOUR });
    expect(calls).toHaveLength(1);
  });

  it('adopts a token another process stored instead of refreshing again', async () => {
    const { manager, calls, advance, storage, now } = await setup();
    await manager.getValidToken();
    advance(HOUR);
    const fromElsewhere = oauthToken(HOUR, now());
    await storage.saveToken(fromElsewhere);
    expect((await manager.getValidToken()).accessToken).toBe(fromElsewhere.accessToken);
    expect(calls).toHaveLength(0);
  });

  it.each([
    ['fresh', 0, HOUR],
    ['expired as well', 1, -1000],
  ])(
    'inside the lease, adopts the token another process stored while it waited when that one is %s (refreshes %i times)',
    async (_state, refreshes, lifetime) => {
      const { storage, calls, advance, now } = await setup();
      advance(HOUR);
      const fromElsewhere = oauthToken(lifetime, now());
      // The other process wins the lease: it stores its token just before this one's section reads.
      const real = storage.store;
      const racing: CredentialStore = {
        profile: real.profile,
        describe: () => real.describe(),
        identity: () => real.identity(),
        profiles: () => real.profiles(),
        read: () => real.read(),
        transact: async (section, options) => {
          await storage.saveToken(fromElsewhere);
          return real.transact(section, options);
        },
      };
      const manager = new TokenManager({
        store: racing,
        refresh: async (token) => {
          calls.push(token);
          return token.with({
            accessToken: fakeSecret('access'),
            expiresAt: new Date(now() + HOUR),
          });
        },
        now,
      });
      const served = await manager.getValidToken();
      expect(calls.map((token) => token.accessToken)).toEqual(
        refreshes === 0 ? [] : [fromElsewhere.accessToken],
      );
      if (refreshes === 0) expect(served.accessToken).toBe(fromElsewhere.accessToken);
    },
  );

  describe(`looks at the store again after ${STORE_RECHECK_MS} ms (STORE_RECHECK_MS)`, () => {
    it('serves the cached token within the interval, then a new login stored elsewhere', async () => {
      const { manager, storage, advance, now, first, calls } = await setup();
      await manager.getValidToken();
      const newLogin = oauthToken(HOUR, now());
      await storage.saveToken(newLogin);
      advance(STORE_RECHECK_MS - 1);
      // Within the interval the store is not read: the hot path costs no I/O.
      expect((await manager.getValidToken()).accessToken).toBe(first?.accessToken);
      advance(1);
      expect((await manager.getValidToken()).accessToken).toBe(newLogin.accessToken);
      expect(calls).toHaveLength(0);
    });

    it('says "not logged in" once another process logged out', async () => {
      const { manager, storage, advance } = await setup();
      await manager.getValidToken();
      await storage.deleteToken();
      advance(STORE_RECHECK_MS);
      await expect(manager.getValidToken()).rejects.toMatchObject({
        code: AuthErrorCode.NOT_LOGGED_IN,
      });
    });

    it('says "re-login required" once another process marked the credential so', async () => {
      const { manager, storage, advance, first } = await setup();
      await manager.getValidToken();
      await storage.saveToken((first as AuthToken).with({ reauthRequired: true }));
      advance(STORE_RECHECK_MS);
      await expect(manager.getValidToken()).rejects.toMatchObject({
        code: AuthErrorCode.REAUTH_REQUIRED,
      });
    });

    it('keeps serving the cached token while the store cannot be read, and looks again later', async () => {
      const { storage, advance, now, first } = await setup();
      let down = false;
      const reads = { count: 0 };
      const real = storage.store;
      const flaky: CredentialStore = {
        profile: real.profile,
        describe: () => real.describe(),
        identity: () => real.identity(),
        profiles: () => real.profiles(),
        transact: (section, options) => real.transact(section, options),
        read: () => {
          reads.count++;
          return down
            ? Promise.reject(new AuthenticationError(AuthErrorCode.STORE_UNAVAILABLE, 'down'))
            : real.read();
        },
      };
      const manager = new TokenManager({ store: flaky, refresh: async (t) => t, now });
      await manager.getValidToken();
      down = true;
      advance(STORE_RECHECK_MS);
      expect((await manager.getValidToken()).accessToken).toBe(first?.accessToken);
      expect((await manager.getValidToken()).accessToken).toBe(first?.accessToken);
      expect(reads.count).toBe(2);
      down = false;
      await storage.deleteToken();
      advance(STORE_RECHECK_MS);
      await expect(manager.getValidToken()).rejects.toMatchObject({
        code: AuthErrorCode.NOT_LOGGED_IN,
      });
    });
  });

  it('refreshes after invalidate(), even when the token looks fresh', async () => {
    const { manager, calls, first } = await setup();
    const token = await manager.getValidToken();
    manager.invalidate(token);
    const next = await manager.getValidToken();
    expect(next.accessToken).not.toBe(first?.accessToken);
    expect(calls).toHaveLength(1);
    expect((await manager.getValidToken()).accessToken).toBe(next.accessToken);
    expect(calls).toHaveLength(1);
  });

  it('on invalid_grant marks the profile "re-login required", keeps the account, and says how to fix it', async () => {
    const { manager, advance, storage, onRefresh, first } = await setup();
    advance(HOUR);
    onRefresh(async () => {
      throw invalidGrant();
    });
    await expect(manager.getValidToken()).rejects.toMatchObject({
      code: AuthErrorCode.REAUTH_REQUIRED,
      fix: 'claude-auth login --profile work',
    });
    const stored = await storage.loadToken();
    expect(stored?.reauthRequired).toBe(true);
    expect(stored?.account).toEqual(first?.account);
    expect(stored?.refreshToken).toBe(first?.refreshToken);
    await expect(
      new TokenManager({ storage, refresh: async (t) => t }).getValidToken(),
    ).rejects.toMatchObject({ code: AuthErrorCode.REAUTH_REQUIRED });
  });

  it('on invalid_grant after its lease was taken over, uses the token the new holder stored', async () => {
    const { manager, advance, storage, onRefresh, now } = await setup();
    advance(HOUR);
    const winner = oauthToken(HOUR, now());
    onRefresh(async () => {
      // We stalled past the lease: another process takes the lock over and stores its token.
      await staleLock(storage.path);
      await new TokenStorage(storage.path).saveToken(winner);
      throw invalidGrant();
    });
    expect((await manager.getValidToken()).accessToken).toBe(winner.accessToken);
    expect((await storage.loadToken())?.reauthRequired).toBe(false);
  });

  it('a lock taken over mid-refresh leaves the newer stored token intact (the write is fenced)', async () => {
    const { storage, advance, now } = await setup();
    advance(HOUR);
    const newer = oauthToken(HOUR, now());
    const mine = oauthToken(HOUR, now());
    const manager = new TokenManager({
      storage,
      now,
      lock: { staleMs: 60_000 },
      refresh: async () => {
        await staleLock(storage.path);
        await new TokenStorage(storage.path).saveToken(newer);
        return mine;
      },
    });
    expect((await manager.getValidToken()).accessToken).toBe(newer.accessToken);
    expect((await storage.loadToken())?.accessToken).toBe(newer.accessToken);
  });

  it('reports a lease lost mid-refresh to a holder that has not written yet, storing nothing', async () => {
    const { storage, advance, now, first } = await setup();
    advance(HOUR);
    let release: () => void = () => undefined;
    let newHolder: Promise<void> | undefined;
    const manager = new TokenManager({
      storage,
      now,
      lock: { staleMs: 60_000 },
      refresh: async () => {
        await staleLock(storage.path);
        await new Promise<void>((inside) => {
          newHolder = storage.store.transact(
            () =>
              new Promise<void>((resolve) => {
                release = resolve;
                inside();
              }),
          );
        });
        return oauthToken(HOUR, now());
      },
    });
    await expect(manager.getValidToken()).rejects.toMatchObject({
      code: AuthErrorCode.STORAGE_LOCK_TIMEOUT,
    });
    release();
    await newHolder;
    expect((await storage.loadToken())?.accessToken).toBe(first?.accessToken);
  });

  it('shares one refresh between a symlinked profile and its target', async () => {
    const { storage, advance, calls, manager, now } = await setup();
    const link = join(await tempDir(), 'linked.json');
    await symlink(storage.path, link);
    const linked = new TokenManager({
      storage: new TokenStorage(link),
      now,
      refresh: async (token) => {
        calls.push(token);
        return token.with({ accessToken: fakeSecret('access'), expiresAt: new Date(now() + HOUR) });
      },
    });
    advance(HOUR);
    const tokens = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? linked : manager).getValidToken()),
    );
    expect(calls).toHaveLength(1);
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
  });

  it('does not refresh a short-lived token on arrival, and refreshes it about once per half-lifetime', async () => {
    const lifetime = 10_000;
    const { manager, calls, advance, onRefresh, now } = await setup((at) =>
      oauthToken(lifetime, at),
    );
    onRefresh(async (token) =>
      token.with({
        accessToken: fakeSecret('access'),
        obtainedAt: new Date(now()),
        expiresAt: new Date(now() + lifetime),
      }),
    );
    await manager.getValidToken();
    expect(calls).toHaveLength(0);
    // One simulated minute, a call every 100 ms: the policy allows about 60 s / 5 s refreshes.
    for (let t = 0; t < 60_000; t += 100) {
      advance(100);
      await manager.getValidToken();
    }
    expect(calls.length).toBeGreaterThanOrEqual(6);
    expect(calls.length).toBeLessThanOrEqual(13);
  });

  it('leaves the stored credential intact when the refresh fails for another reason', async () => {
    const { manager, advance, storage, onRefresh } = await setup();
    advance(HOUR);
    const before = await storage.loadToken();
    onRefresh(async () => {
      throw new AuthenticationError(AuthErrorCode.TOKEN_ENDPOINT_ERROR, 'server down', {
        status: 503,
      });
    });
    await expect(manager.getValidToken()).rejects.toMatchObject({
      code: AuthErrorCode.TOKEN_ENDPOINT_ERROR,
      status: 503,
    });
    expect((await storage.loadToken())?.toInit()).toEqual(before?.toInit());
  });

  it('keeps serving the current token when a background refresh fails, and reports the failure', async () => {
    const { storage, advance, now, first } = await setup();
    const failures: unknown[] = [];
    const manager = new TokenManager({
      storage,
      now,
      refresh: async () => {
        throw new Error('network down');
      },
      onBackgroundRefreshError: (error) => failures.push(error),
    });
    advance(HOUR - ADVISORY_REFRESH_WINDOW_MS + 1);
    expect((await manager.getValidToken()).accessToken).toBe(first?.accessToken);
    await expect.poll(() => failures.length).toBe(1);
  });

  it('refuses an expired token without a refresh token as REAUTH_REQUIRED, without calling anything', async () => {
    const { manager, calls, advance } = await setup((now) =>
      oauthToken(HOUR, now, { refreshToken: undefined }),
    );
    advance(2 * HOUR);
    await expect(manager.getValidToken()).rejects.toMatchObject({
      code: AuthErrorCode.REAUTH_REQUIRED,
    });
    expect(calls).toHaveLength(0);
  });

  it('stops waiting when the signal aborts', async () => {
    const { manager, advance, onRefresh } = await setup();
    advance(HOUR);
    let release: () => void = () => undefined;
    const started = new Promise<void>((resolveStarted) => {
      onRefresh(
        (token) =>
          new Promise((resolve) => {
            release = () => resolve(token);
            resolveStarted();
          }),
      );
    });
    const controller = new AbortController();
    const pending = manager.getValidToken({ signal: controller.signal });
    await started;
    controller.abort(new Error('cancelled'));
    await expect(pending).rejects.toThrow('cancelled');
    release();
    // The refresh itself was not cancelled: it completes, and its transaction ends, for the next caller.
    await expect(manager.getValidToken()).resolves.toBeDefined();
  });
});
