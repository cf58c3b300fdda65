// One process of the refresh chaos test: forces `cycles` refreshes of the shared
// token file against the real provider, printing one line per outcome:
// "ok" (a valid token was obtained), "lost" (re-login required; exits 3),
// "takeover" (it took over a lock a killed process left).
import { AuthErrorCode, isAuthenticationError, TokenStorage } from '../../../dist/index.js';
import { refreshProviderToken } from '../../../dist/oauth/provider-tokens.js';
import { TokenManager } from '../../../dist/refresh/token-manager.js';

const [path, cycles] = process.argv.slice(2);
const manager = new TokenManager({
  storage: new TokenStorage(path),
  refresh: (token) => refreshProviderToken(token),
  lock: { staleMs: 5000, waitMs: 60_000, onTakeover: () => process.stdout.write('takeover\n') },
});
for (let i = 0; i < Number(cycles); i++) {
  try {
    await manager.refreshNow();
    process.stdout.write('ok\n');
  } catch (error) {
    if (isAuthenticationError(error, AuthErrorCode.REAUTH_REQUIRED)) {
      process.stdout.write('lost\n');
      process.exit(3);
    }
    process.stdout.write(`error ${isAuthenticationError(error) ? error.code : String(error)}\n`);
  }
}
process.exit(0);
