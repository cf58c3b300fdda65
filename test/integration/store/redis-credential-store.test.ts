import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../../fixtures/redis-server.js';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { RecordCipher } from '../../../src/store/redis/record-cipher.js';
import { RedisCredentialStore } from '../../../src/store/redis/redis-credential-store.js';
import { oauthToken } from '../../helpers/tokens.js';

let redis: RedisServer;
const fleetUser = { name: 'fleet', password: randomBytes(12).toString('hex'), prefix: 'fleet:' };
beforeAll(async () => {
  redis = await RedisServer.start({ users: [fleetUser] });
});
afterAll(() => redis?.stop());

const key = randomBytes(32);
const env = { CLAUDE_AUTH_STORE_KEY: key.toString('base64') };
let profileCount = 0;

/** A store for a profile no other test uses. */
function store(
  options: { profile?: string; env?: Record<string, string>; url?: string } = {},
): RedisCredentialStore {
  const profile = options.profile ?? `p${++profileCount}`;
  return new RedisCredentialStore({
    url: options.url ?? redis.url({ prefix: 'test:' }),
    profile,
    env: options.env ?? env,
  });
}

function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

async function rejection(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected a rejection');
}

describe('RedisCredentialStore against a real redis-server', () => {
  it('writes by compare-and-swap on a version that is never reused, even after a delete', async () => {
    const s = store();
    expect(await s.read()).toBeNull();
    const first = oauthToken(3_600_000);
    const revisions = await s.transact(async (tx) => {
      expect(await tx.currentRevision()).toBeNull();
      const a = await tx.write(first, null);
      const stale = await tx.write(oauthToken(1), null);
      const removed = await tx.write(null, a.written ? a.revision : 'x');
      const again = await tx.write(oauthToken(2_000), null);
      return { a, stale, removed, again };
    });
    expect(revisions.a).toEqual({ written: true, revision: '1' });
    expect(revisions.stale).toEqual({ written: false });
    expect(revisions.removed).toEqual({ written: true, revision: null });
    expect(revisions.again).toEqual({ written: true, revision: '3' });
    const stored = await s.read();
    expect(stored?.revision).toBe('3');
    expect(stored?.token.accessToken).not.toBe(first.accessToken);
  });

  it('round-trips every field of the token', async () => {
    const s = store();
    const token = oauthToken(60_000).with({ idToken: 'id-token-value', reauthRequired: true });
    await s.transact((tx) => tx.write(token, null));
    const back = (await s.read())?.token;
    expect(back?.toInit()).toEqual(token.toInit());
  });

  it('keeps the plaintext out of Redis: redis-cli sees only a key id and ciphertext', async () => {
    const s = store({ profile: 'secret-check' });
    const token = oauthToken(60_000);
    await s.transact((tx) => tx.write(token, null));
    const raw = await redis.cli('hgetall', 'test:profile:secret-check');
    expect(raw).toContain('ct');
    expect(raw).not.toContain(token.accessToken);
    expect(raw).not.toContain(token.refreshToken as string);
    expect(raw).not.toContain('user@example.test');
  });

  it('refuses a record sealed with another key with STORE_KEY_MISMATCH, and overwrites nothing', async () => {
    const mine = store({ profile: 'other-key' });
    const token = oauthToken(60_000);
    await mine.transact((tx) => tx.write(token, null));
    const before = await redis.cli('hgetall', 'test:profile:other-key');
    const theirs = store({
      profile: 'other-key',
      env: { CLAUDE_AUTH_STORE_KEY: randomBytes(32).toString('hex') },
    });
    const error = await rejection(theirs.read());
    expect(error.code).toBe(AuthErrorCode.STORE_KEY_MISMATCH);
    expect(error.message).toMatch(/CLAUDE_AUTH_STORE_KEY/);
    const overwrite = await rejection(
      theirs.transact(async (tx) => tx.write(oauthToken(1), await tx.currentRevision())),
    );
    expect(overwrite.code).toBe(AuthErrorCode.STORE_KEY_MISMATCH);
    expect(await redis.cli('hgetall', 'test:profile:other-key')).toBe(before);
    expect((await mine.read())?.token.accessToken).toBe(token.accessToken);
  });

  it('rotates keys: a reader with the new key first and the old after it reads, and re-seals at the next write', async () => {
    const oldKey = randomBytes(32).toString('base64');
    const newKey = randomBytes(32).toString('base64');
    const before = store({ profile: 'rotation', env: { CLAUDE_AUTH_STORE_KEY: oldKey } });
    await before.transact((tx) => tx.write(oauthToken(60_000), null));
    const after = store({
      profile: 'rotation',
      env: { CLAUDE_AUTH_STORE_KEY: `${newKey}\n${oldKey}` },
    });
    const read = await after.read();
    expect(read?.revision).toBe('1');
    await after.transact((tx) => tx.write(oauthToken(120_000), '1'));
    const newKid = RecordCipher.fromEnv({ CLAUDE_AUTH_STORE_KEY: newKey }).currentKeyId;
    expect((await redis.cli('hget', 'test:profile:rotation', 'kid')).trim()).toBe(newKid);
    expect((await rejection(before.read())).code).toBe(AuthErrorCode.STORE_KEY_MISMATCH);
  });

  it('binds a record to its key name and version: one copied to another profile does not open', async () => {
    const s = store({ profile: 'origin' });
    await s.transact((tx) => tx.write(oauthToken(60_000), null));
    await redis.cli('copy', 'test:profile:origin', 'test:profile:copied');
    const error = await rejection(store({ profile: 'copied' }).read());
    expect(error.code).toBe(AuthErrorCode.STORAGE_CORRUPT);
  });

  it('keeps an unreadable record aside before a login replaces it', async () => {
    const s = store({ profile: 'garbled' });
    await s.transact((tx) => tx.write(oauthToken(60_000), null));
    await redis.cli('hset', 'test:profile:garbled', 'ct', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect((await rejection(s.read())).code).toBe(AuthErrorCode.STORAGE_CORRUPT);
    const outcome = await s.transact(async (tx) =>
      tx.write(oauthToken(60_000), await tx.currentRevision()),
    );
    expect(outcome).toEqual({ written: true, revision: '2' });
    expect(await redis.cli('keys', 'test:corrupt:garbled:*')).toMatch(/test:corrupt:garbled:/);
    expect((await s.read())?.revision).toBe('2');
  });

  it('gives the lease to one holder at a time; a waiter is woken by the release', async () => {
    const a = store({ profile: 'lease' });
    const b = store({ profile: 'lease' });
    const events: string[] = [];
    const aInside = deferred();
    const aMayLeave = deferred();
    const first = a.transact(async (tx) => {
      events.push('a in');
      expect(tx.leaseRemainingMs()).toBeGreaterThan(0);
      aInside.resolve();
      await aMayLeave.promise;
      events.push('a out');
    });
    await aInside.promise;
    const second = b.transact(async () => {
      events.push('b in');
    });
    // b is waiting now (it cannot enter before a leaves); let a go.
    setImmediate(() => aMayLeave.resolve());
    await Promise.all([first, second]);
    expect(events).toEqual(['a in', 'a out', 'b in']);
  });

  it('a holder past its lease loses it to a waiter (told of the takeover); its late write is refused', async () => {
    const a = store({ profile: 'expiry' });
    const b = store({ profile: 'expiry' });
    await a.transact((tx) => tx.write(oauthToken(60_000), null));
    const aRead = deferred();
    const bDone = deferred();
    let takeover = false;
    let aRemainingAtEnd = -1;
    const stale = a.transact(
      async (tx) => {
        const seen = await tx.read();
        aRead.resolve();
        await bDone.promise;
        aRemainingAtEnd = tx.leaseRemainingMs();
        return tx.write(oauthToken(1_000), seen?.revision ?? null);
      },
      { leaseMs: 300 },
    );
    await aRead.promise;
    const winner = oauthToken(90_000);
    const bOutcome = await b.transact(
      async (tx) => tx.write(winner, (await tx.read())?.revision ?? null),
      { waitMs: 10_000, onTakeover: () => (takeover = true) },
    );
    bDone.resolve();
    expect(bOutcome).toEqual({ written: true, revision: '2' });
    expect(takeover).toBe(true);
    expect(await stale).toEqual({ written: false });
    expect(aRemainingAtEnd).toBe(0);
    expect((await a.read())?.token.accessToken).toBe(winner.accessToken);
  });

  it('gives up waiting for a lease with STORAGE_LOCK_TIMEOUT', async () => {
    const a = store({ profile: 'busy' });
    const release = deferred();
    const inside = deferred();
    const holder = a.transact(
      async () => {
        inside.resolve();
        await release.promise;
      },
      { leaseMs: 60_000 },
    );
    await inside.promise;
    const error = await rejection(
      store({ profile: 'busy' }).transact(async () => 1, { waitMs: 200 }),
    );
    release.resolve();
    await holder;
    expect(error.code).toBe(AuthErrorCode.STORAGE_LOCK_TIMEOUT);
  });

  it('describes itself by address and key, never with the password', () => {
    const s = store({ url: redis.url({ user: fleetUser, prefix: 'fleet:' }), profile: 'work' });
    const description = s.describe();
    expect(description.backend).toBe('redis');
    expect(description.location).toBe(
      `redis://fleet@127.0.0.1:${redis.port}/0 key fleet:profile:work`,
    );
    expect(JSON.stringify(description)).not.toContain(fleetUser.password);
  });

  it('an ACL user limited to its prefix works there and is refused elsewhere (STORE_UNAVAILABLE with the fix)', async () => {
    const inside = store({ url: redis.url({ user: fleetUser, prefix: 'fleet:' }), profile: 'acl' });
    await inside.transact((tx) => tx.write(oauthToken(60_000), null));
    expect((await inside.read())?.revision).toBe('1');
    const outside = store({
      url: redis.url({ user: fleetUser, prefix: 'other:' }),
      profile: 'acl',
    });
    const error = await rejection(outside.read());
    expect(error.code).toBe(AuthErrorCode.STORE_UNAVAILABLE);
    expect(error.message).toMatch(/NOPERM/);
    expect(error.message).toContain('~other:*');
    expect(error.message).not.toContain(fleetUser.password);
    expect(await redis.cli('exists', 'other:profile:acl')).toMatch(/0/);
  });

  it('a wrong password is STORE_UNAVAILABLE naming the fix, without the password', async () => {
    const wrong = { ...fleetUser, password: 'not-the-password-123' };
    const error = await rejection(store({ url: redis.url({ user: wrong }) }).read());
    expect(error.code).toBe(AuthErrorCode.STORE_UNAVAILABLE);
    expect(error.message).toMatch(/password/);
    expect(error.message).not.toContain('not-the-password-123');
  });

  it('an unreachable store is STORE_UNAVAILABLE with its address, not a hang', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as { port: number };
    closed.close();
    const refused = await rejection(store({ url: `redis://127.0.0.1:${port}/0` }).read());
    expect(refused.code).toBe(AuthErrorCode.STORE_UNAVAILABLE);
    expect(refused.message).toContain(`redis://127.0.0.1:${port}/0`);

    // A server that accepts and never answers: the connect timeout bounds it.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const silentPort = (silent.address() as { port: number }).port;
    const mute = await rejection(
      store({ url: `redis://127.0.0.1:${silentPort}/0?connectTimeout=300` }).read(),
    );
    for (const socket of sockets) socket.destroy();
    silent.close();
    expect(mute.code).toBe(AuthErrorCode.STORE_UNAVAILABLE);
    expect(mute.message).toContain(`127.0.0.1:${silentPort}`);
  });

  it('reconnects by itself after the server restarts, and the last write survived (AOF)', async () => {
    const s = store({ profile: 'restart' });
    await s.transact((tx) => tx.write(oauthToken(60_000), null));
    await redis.kill9();
    expect((await rejection(s.read())).code).toBe(AuthErrorCode.STORE_UNAVAILABLE);
    await redis.restart();
    expect((await s.read())?.revision).toBe('1');
  });
});
