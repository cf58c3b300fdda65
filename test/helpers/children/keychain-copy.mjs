// Copies or moves the default profile's credential between the file store and
// the keychain store of $CLAUDE_AUTH_DIR, pausing for good at one step so the
// test can SIGKILL it there:
//   node keychain-copy.mjs <to-keychain|to-file> <copy|move> <step|none>
// Steps: "<dest|source>-write:<before|after>" (a transaction's write) and
// "keychain-set:N" (just before the keychain's N-th entry write: inside a
// multi-entry record). Prints "paused <step>" there, "done <json>" at the end.
import { copyCredential } from '../../../dist/store/copy-credential.js';
import { FileCredentialStore } from '../../../dist/store/file/file-credential-store.js';
import { WorkerKeychainAccess } from '../../../dist/store/keychain/keychain-access.js';
import {
  KEYCHAIN_SERVICE,
  KeychainCredentialStore,
} from '../../../dist/store/keychain/keychain-store.js';

const [direction, mode, step] = process.argv.slice(2);
const pauseForever = (name) => {
  process.stdout.write(`paused ${name}\n`);
  return new Promise(() => setInterval(() => undefined, 60_000));
};

const access = new WorkerKeychainAccess(KEYCHAIN_SERVICE);
let sets = 0;
const countingAccess = {
  service: access.service,
  get: (account, timeoutMs) => access.get(account, timeoutMs),
  delete: (account, timeoutMs) => access.delete(account, timeoutMs),
  set: async (account, value, timeoutMs) => {
    sets += 1;
    if (step === `keychain-set:${sets}`) await pauseForever(step);
    return access.set(account, value, timeoutMs);
  },
};
const keychain = new KeychainCredentialStore({
  reason: 'test',
  access: countingAccess,
  lockStaleMs: 1000,
});
const file = new FileCredentialStore({
  path: `${process.env.CLAUDE_AUTH_DIR}/tokens.json`,
  reason: 'test',
  lock: { staleMs: 1000 },
});

/** The store with a pause around its transactions' writes. */
function pausing(store, role) {
  return {
    profile: store.profile,
    describe: () => store.describe(),
    identity: () => store.identity(),
    read: () => store.read(),
    transact: (section, options) =>
      store.transact(
        (tx) =>
          section({
            ...tx,
            read: () => tx.read(),
            currentRevision: () => tx.currentRevision(),
            leaseRemainingMs: () => tx.leaseRemainingMs(),
            write: async (next, expected) => {
              if (step === `${role}-write:before`) await pauseForever(step);
              const outcome = await tx.write(next, expected);
              if (step === `${role}-write:after`) await pauseForever(step);
              return outcome;
            },
          }),
        options,
      ),
  };
}

const [from, to] = direction === 'to-keychain' ? [file, keychain] : [keychain, file];
const outcome = await copyCredential(pausing(from, 'source'), pausing(to, 'dest'), {
  move: mode === 'move',
});
process.stdout.write(
  `done ${JSON.stringify({ alreadyThere: outcome.alreadyThere, sourceDeleted: outcome.sourceDeleted })}\n`,
);
process.exit(0);
