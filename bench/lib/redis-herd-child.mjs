// One process of the Redis herd bench: its credential in the Redis store named
// by CLAUDE_AUTH_STORE, N concurrent callers on an expired token; reports the
// refreshes made here.
import { TokenManager } from '../../dist/refresh/token-manager.js';
import { openStore } from '../../dist/storage/open-store.js';

const [callers, latencyMs] = process.argv.slice(2);
let refreshes = 0;
const manager = new TokenManager({
  store: openStore({}),
  refresh: async (current) => {
    refreshes++;
    await new Promise((resolve) => setTimeout(resolve, Number(latencyMs)));
    return current.with({
      accessToken: `access-${Math.random()}`,
      refreshToken: `refresh-${Math.random()}`,
      expiresAt: new Date(Date.now() + 3_600_000),
      obtainedAt: new Date(),
    });
  },
});
await Promise.all(Array.from({ length: Number(callers) }, () => manager.getValidToken()));
process.stdout.write(JSON.stringify({ refreshes }));
