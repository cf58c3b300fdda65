// One writer of a stored credential, in its own process: `logout`, `login-with-token`
// (the token is the first stdin line, never argv) or `refresh`. It prints "waiting" when it finds the credential's lock
// held and, with STORE_WRITER_PAUSE=1, "paused" right before it replaces or deletes
// the file, then waits for a "continue" line; with STORE_WRITER_LEASE_MS its lease is that
// long, and "takeover" tells each lock it took from a dead holder. Last, one JSON line
// with its outcome.
import { createInterface } from 'node:readline';
import * as lib from '../../../dist/index.js';
import { refreshProviderToken } from '../../../dist/oauth/provider-tokens.js';
import { TokenManager } from '../../../dist/refresh/token-manager.js';
import { FileCredentialStore } from '../../../dist/store/file/file-credential-store.js';
import { nodeFileSystem } from '../../../dist/store/file/file-system.js';

const [operation, path] = process.argv.slice(2);
const say = (line) => process.stdout.write(`${line}\n`);
const input = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const nextLine = async () => (await input.next()).value ?? '';

function storageOf() {
  let toldWaiting = false;
  let paused = process.env.STORE_WRITER_PAUSE !== '1';
  const pauseAt = async (target) => {
    if (paused || target !== path) return;
    paused = true;
    say('paused');
    while ((await nextLine()) !== 'continue');
  };
  const fs = {
    ...nodeFileSystem,
    mkdir: async (target, options) => {
      try {
        return await nodeFileSystem.mkdir(target, options);
      } catch (error) {
        if (error.code === 'EEXIST' && target.endsWith('.lock') && !toldWaiting) {
          toldWaiting = true;
          say('waiting');
        }
        throw error;
      }
    },
    rename: async (from, to) => {
      await pauseAt(to);
      return nodeFileSystem.rename(from, to);
    },
    unlink: async (target) => {
      await pauseAt(target);
      return nodeFileSystem.unlink(target);
    },
  };
  const lease = Number(process.env.STORE_WRITER_LEASE_MS ?? 10_000);
  const lock = { staleMs: lease, onTakeover: () => say('takeover') };
  return lib.TokenStorage.fromStore(new FileCredentialStore({ path, fs, lock }));
}

const storage = storageOf();
try {
  if (operation === 'logout') {
    const result = await lib.logout({ storage });
    say(JSON.stringify({ removed: result.removed, revoked: result.revoked }));
  } else if (operation === 'login-with-token') {
    const withToken = await nextLine();
    await lib.login({ withToken, storage });
    say(JSON.stringify({ loggedIn: true }));
  } else if (operation === 'refresh') {
    const manager = new TokenManager({
      storage,
      refresh: (token) => refreshProviderToken(token),
    });
    const token = await manager.getValidToken();
    say(JSON.stringify({ accessToken: token.accessToken }));
  } else {
    throw new Error(`unknown operation ${operation}`);
  }
} catch (error) {
  say(JSON.stringify({ error: lib.isAuthenticationError(error) ? error.code : String(error) }));
}
process.exit(0);
