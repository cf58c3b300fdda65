// One process of the cross-process herd bench: N concurrent callers, reports refreshes made here.
import { TokenStorage } from '../../dist/index.js';
import { TokenManager } from '../../dist/refresh/token-manager.js';

const [path, callers, latencyMs] = process.argv.slice(2);
let refreshes = 0;
const manager = new TokenManager({
  storage: new TokenStorage(path),
  refresh: async (current) => {
    refreshes++;
    await new Promise((resolve) => setTimeout(resolve, Number(latencyMs)));
    return current.with({
      accessToken: `access-${Math.random()}`,
      refreshToken: `refresh-${Math.random()}`,
      expiresAt: new Date(Date.now() + 3_600_000),
    });
  },
});
await Promise.all(Array.from({ length: Number(callers) }, () => manager.getValidToken()));
process.stdout.write(JSON.stringify({ refreshes }));
