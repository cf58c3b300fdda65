// Runs one operation on the keychain store of $CLAUDE_AUTH_DIR's default profile
// and prints its outcome as one JSON line. The token to write comes in
// $KC_TOKEN (a token file's JSON): secrets reach children only through the environment.
//   write            store $KC_TOKEN through a transaction
//   read             print the stored record's digest and revision
//   select [CHOICE]  choose a backend as the CLI does (CHOICE as --store, else the environment:
//                    chooseBackend, then auto's probe or an explicit keychain's check)
//   observed         read, revision, write and an auto probe, each with whether the event
//                    loop kept turning while it was pending (a call on the main thread stops it)
//   refresh N        N forced refreshes (TokenManager.refreshNow) against the token's provider
import { createHash } from 'node:crypto';
import { refreshProviderToken } from '../../../dist/oauth/provider-tokens.js';
import { TokenManager } from '../../../dist/refresh/token-manager.js';
import { chooseBackend } from '../../../dist/store/backend-choice.js';
import { WorkerKeychainAccess } from '../../../dist/store/keychain/keychain-access.js';
import {
  announceFallback,
  assertKeychainUsable,
  probeLocalStore,
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
const failure = (error) => ({
  error: error?.code ?? String(error),
  message: String(error?.message),
  fix: error?.fix,
});

/**
 * Whether the event loop kept turning while `pending` was unsettled: a chain of
 * setImmediate turns, started with it, finished first. A call that blocks the
 * main thread settles before the chain can (ordering, not a measured lag).
 */
async function loopTurnedDuring(pending) {
  const TURNS = 20;
  const order = [];
  const chain = new Promise((resolve) => {
    let turns = 0;
    const turn = () => (++turns === TURNS ? resolve() : setImmediate(turn));
    setImmediate(turn);
  }).then(() => order.push('loop'));
  await Promise.allSettled([pending.finally(() => order.push('call')), chain]);
  return order[0] === 'loop';
}

async function write() {
  const token = parseTokenFile(process.env.KC_TOKEN ?? '', 'KC_TOKEN');
  return store.transact(async (tx) => tx.write(token, await tx.currentRevision()));
}

async function observed(name, operation) {
  const pending = operation();
  const loopTurned = await loopTurnedDuring(pending);
  try {
    await pending;
    return { op: name, loopTurned };
  } catch (error) {
    return { op: name, loopTurned, ...failure(error) };
  }
}

try {
  if (command === 'write') {
    print(await write());
  } else if (command === 'read') {
    const stored = await store.read();
    print(stored && { digest: digest(stored.token), revision: stored.revision });
  } else if (command === 'select') {
    // As the CLI chooses: the one rule for which backend, then what auto finds, or the
    // explicit keychain's check before any call.
    const choice = chooseBackend(
      argument === undefined ? {} : { store: argument, storeSource: '--store' },
    );
    if (choice.kind === 'keychain')
      assertKeychainUsable(choice.from, process.env, process.platform);
    const selection =
      choice.kind === 'auto'
        ? await probeLocalStore({
            source: choice.from,
            keychain: () => new WorkerKeychainAccess(KEYCHAIN_SERVICE),
          })
        : { backend: choice.kind, reason: `${choice.from}=${choice.given}` };
    announceFallback(selection);
    announceFallback(selection);
    print(selection);
  } else if (command === 'observed') {
    const ops = [
      await observed('read', () => store.read()),
      await observed('currentRevision', () => store.transact((tx) => tx.currentRevision())),
      await observed('write', write),
      await observed('auto', () =>
        probeLocalStore({
          source: 'CLAUDE_AUTH_STORE',
          keychain: () => new WorkerKeychainAccess(KEYCHAIN_SERVICE),
        }),
      ),
    ];
    print({ ops });
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
  print(failure(error));
}
process.exit(0);
