// One runner of a machine-identity fleet: it prints "ready", waits for "go" on
// stdin (so the login's token is not aging while runners start), then — the
// profile's token file shared,
// its credential a machine grant (no refresh token). It asks for a valid token
// until it has seen `cycles` distinct access tokens (each an acquisition by
// someone in the fleet), printing one JSON line per event: {"token": HASH}
// for a new access token (a hash: the test compares, nobody reads the secret),
// {"expired": true} when handed an expired token (a failure), {"error": CODE}
// (then exits 1).
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { isAuthenticationError, TokenStorage } from '../../../dist/index.js';
import { refreshProviderToken } from '../../../dist/oauth/provider-tokens.js';
import { TokenManager } from '../../../dist/refresh/token-manager.js';

const [path, cycles] = process.argv.slice(2);
const manager = new TokenManager({
  storage: new TokenStorage(path),
  refresh: (token, { signal }) => refreshProviderToken(token, signal ? { signal } : {}),
});
const say = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
process.stdout.write('ready\n');
await once(process.stdin, 'data');
let seen = 0;
let last;
while (seen < Number(cycles)) {
  try {
    const token = await manager.getValidToken();
    if (token.isExpired()) say({ expired: true });
    if (token.accessToken !== last) {
      last = token.accessToken;
      seen++;
      say({ token: createHash('sha256').update(last).digest('hex').slice(0, 16) });
    }
  } catch (error) {
    say({ error: isAuthenticationError(error) ? error.code : String(error) });
    process.exit(1);
  }
  // The pace of a runner's calls (not synchronisation): callers between acquisitions hit the cache.
  await delay(20);
}
process.exit(0);
