// One runner of the fleet chaos test: its own HOME, the credential in the
// shared Redis store named by CLAUDE_AUTH_STORE. It asks for a valid token
// until it has seen `cycles` distinct access tokens (each a refresh by someone
// in the fleet), printing one line per event: "token" (a new access token),
// "expired" (it was handed an expired token: a failure), "lost" (re-login
// required; exits 3), "takeover" (it took over a killed holder's lease),
// "refreshing" (it is about to send a refresh request),
// "error CODE" (then exits 1).
import { setTimeout as delay } from 'node:timers/promises';
import { AuthErrorCode, isAuthenticationError } from '../../../dist/index.js';
import { refreshProviderToken } from '../../../dist/oauth/provider-tokens.js';
import { TokenManager } from '../../../dist/refresh/token-manager.js';
import { openStore } from '../../../dist/storage/open-store.js';

// The refresh request's own timeout; the manager asks for a lease 5 s longer.
const REFRESH_TIMEOUT_MS = 2_000;
const [cycles] = process.argv.slice(2);
const store = openStore({});
const manager = new TokenManager({
  store,
  refresh: (token, { signal }) => {
    // Told to the test, which kills some runners right here: inside the lease, around the rotation.
    process.stdout.write('refreshing\n');
    return refreshProviderToken(token, signal ? { signal } : {});
  },
  refreshTimeoutMs: REFRESH_TIMEOUT_MS,
  lock: { waitMs: 60_000, onTakeover: () => process.stdout.write('takeover\n') },
});
let seen = 0;
let last;
while (seen < Number(cycles)) {
  try {
    const token = await manager.getValidToken();
    if (token.isExpired()) process.stdout.write('expired\n');
    if (token.accessToken !== last) {
      last = token.accessToken;
      seen++;
      process.stdout.write('token\n');
    }
  } catch (error) {
    if (isAuthenticationError(error, AuthErrorCode.REAUTH_REQUIRED)) {
      process.stdout.write('lost\n');
      process.exit(3);
    }
    process.stdout.write(`error ${isAuthenticationError(error) ? error.code : String(error)}\n`);
    process.exit(1);
  }
  // The pace of a runner's calls (not synchronisation): callers between refreshes hit the cache.
  await delay(20);
}
process.exit(0);
