import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { RedisServer } from '../../fixtures/redis-server.js';
import { RedisCredentialStore } from '../../src/store/redis/redis-credential-store.js';
import { describeCredentialStoreConformance } from './credential-store-conformance.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(() => redis?.stop());

const env = { CLAUDE_AUTH_STORE_KEY: randomBytes(32).toString('base64') };
let subjects = 0;

describeCredentialStoreConformance('redis', async () => {
  const prefix = `conformance-${++subjects}:`;
  const open = () => new RedisCredentialStore({ url: redis.url({ prefix }), profile: 'work', env });
  return {
    store: open(),
    reopen: open,
    corrupt: async () => {
      await redis.cli('hset', `${prefix}profile:work`, 'ct', 'bm90IGEgc2VhbGVkIHJlY29yZA==');
    },
    keptAside: async () => {
      const keys = (await redis.cli('--scan', '--pattern', `${prefix}corrupt:*`))
        .split('\n')
        .filter((key) => key !== '');
      return Promise.all(keys.map((key) => redis.cli('hgetall', key)));
    },
    sibling: (profile) => new RedisCredentialStore({ url: redis.url({ prefix }), profile, env }),
  };
});
