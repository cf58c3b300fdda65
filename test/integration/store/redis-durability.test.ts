import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../../fixtures/redis-server.js';
import { RedisCredentialStore } from '../../../src/store/redis/redis-credential-store.js';
import { oauthToken } from '../../helpers/tokens.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(() => redis?.stop());

describe('Redis store durability (AOF, appendfsync always)', () => {
  it('kill -9 of redis-server mid-run, restart from the AOF: the last acknowledged version is there', async () => {
    const env = { CLAUDE_AUTH_STORE_KEY: randomBytes(32).toString('base64') };
    const store = new RedisCredentialStore({ url: redis.url(), profile: 'durable', env });
    const acknowledged = new Map<string, string>();
    let last = '';
    let failures = 0;
    let killed: Promise<void> | undefined;
    // A writer that keeps rotating the credential; the server dies under it after 50 writes.
    while (failures === 0) {
      const token = oauthToken(60_000);
      try {
        const outcome = await store.transact(async (tx) =>
          tx.write(token, await tx.currentRevision()),
        );
        if (outcome.written && outcome.revision !== null) {
          last = outcome.revision;
          acknowledged.set(last, token.accessToken);
        }
      } catch {
        failures++;
      }
      if (acknowledged.size === 50) killed ??= redis.kill9();
    }
    await killed;
    await redis.restart();
    const stored = await store.read();
    // At most one write was in flight at the kill: it is either all there or not at all.
    expect([last, String(Number(last) + 1)]).toContain(stored?.revision);
    if (stored?.revision === last) expect(stored.token.accessToken).toBe(acknowledged.get(last));
    expect(Number(last)).toBeGreaterThanOrEqual(50);
    store.close();
  });
});
