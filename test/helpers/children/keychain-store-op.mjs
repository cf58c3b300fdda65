// Runs one operation on the keychain store of $CLAUDE_AUTH_DIR's default profile
// and prints its outcome as one JSON line. The token to write comes in
// $KC_TOKEN (a token file's JSON): secrets reach children only through the environment.
//   write            store $KC_TOKEN through a transaction
//   read             print the stored record's digest and revision
//   select [CHOICE]  choose a backend as the CLI does (CHOICE as --store, else the environment)
//   timed            read, revision, write and an auto probe, each timed, with the event-loop lag
//   refresh N        N forced refreshes (TokenManager.refreshNow) against the token's provider
import { createHash } from 'node:crypto';
import { refreshProviderToken, TokenManager } from '../../../dist/index.js';
import { WorkerKeychainAccess } from '../../../dist/store/keychain/keychain-access.js';
import {
  announceFallback,
  selectLocalStore,
} from '../../../dist/store/keychain/keychain-selection.js';
import {
  KEYCHAIN_SERVICE,
  KeychainCredentialStore,
} from '../../../dist/store/keychain/keychain-store.js';
import { parseTokenFile, serializeTokenFile } from '../../../dist/token/token-file-format.js';

const [command, argument] = process.argv.slice(2);
const store = new KeychainCredentialStore({ reason: 'test' });
const digest = (token) => createHash('sha256').update(serializeTokenFile(token)).digest('hex');
const print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
const failure = (error, started) => ({
  error: error?.code ?? String(error),
  message: String(error?.message),
  fix: error?.fix,
  ms: Date.now() - started,
});

async function write() {
  const token = parseTokenFile(process.env.KC_TOKEN ?? '', 'KC_TOKEN');
  return store.transact(async (tx) => tx.write(token, await tx.currentRevision()));
}

async function timed(name, operation) {
  const started = Date.now();
  try {
    await operation();
    return { op: name, ms: Date.now() - started };
  } catch (error) {
    return { op: name, ...failure(error, started) };
  }
}

const started = Date.now();
try {
  if (command === 'write') {
    print({ ...(await write()), ms: Date.now() - started });
  } else if (command === 'read') {
    const stored = await store.read();
    print(stored && { digest: digest(stored.token), revision: stored.revision });
  } else if (command === 'select') {
    const selection = await selectLocalStore({
      ...(argument !== undefined && { choice: argument }),
      keychain: () => new WorkerKeychainAccess(KEYCHAIN_SERVICE),
    });
    announceFallback(selection);
    announceFallback(selection);
    print({ ...selection, ms: Date.now() - started });
  } else if (command === 'timed') {
    let maxLagMs = 0;
    let last = Date.now();
    const ticker = setInterval(() => {
      const now = Date.now();
      maxLagMs = Math.max(maxLagMs, now - last - 10);
      last = now;
    }, 10);
    const ops = [
      await timed('read', () => store.read()),
      await timed('currentRevision', () => store.transact((tx) => tx.currentRevision())),
      await timed('write', write),
      await timed('auto', () =>
        selectLocalStore({
          choice: 'auto',
          keychain: () => new WorkerKeychainAccess(KEYCHAIN_SERVICE),
        }),
      ),
    ];
    clearInterval(ticker);
    print({ ops, maxLagMs });
  } else if (command === 'refresh') {
    // The real refresh path: TokenManager's transaction on the keychain store.
    const manager = new TokenManager({
      store,
      refresh: (token) => refreshProviderToken(token),
      lock: { waitMs: 60_000 },
    });
    let ok = 0;
    const errors = [];
    for (let i = 0; i < Number(argument); i++) {
      try {
        await manager.refreshNow();
        ok++;
      } catch (error) {
        errors.push(error?.code ?? String(error));
      }
    }
    print({ ok, errors });
  } else {
    throw new Error(`unknown command ${command}`);
  }
} catch (error) {
  print(failure(error, started));
}
process.exit(0);
