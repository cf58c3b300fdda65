import { afterAll, beforeAll } from 'vitest';
import { WorkerKeychainAccess } from '../../src/store/keychain/keychain-access.js';
import {
  KEYCHAIN_SERVICE,
  KeychainCredentialStore,
} from '../../src/store/keychain/keychain-store.js';
import { type SecretServiceSession, startSecretService } from '../helpers/secret-service.js';
import { tempDir } from '../helpers/temp-dir.js';
import { describeCredentialStoreConformance } from './credential-store-conformance.js';

// The real Secret Service: gnome-keyring-daemon on a private session bus.
let keyring: SecretServiceSession;
let access: WorkerKeychainAccess;
beforeAll(async () => {
  keyring = await startSecretService();
  // The native library reads the bus address from the process environment
  // (setting it here changes that environment for the worker threads too).
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.env.DBUS_SESSION_BUS_ADDRESS;
  access = new WorkerKeychainAccess(KEYCHAIN_SERVICE);
});
afterAll(async () => {
  access?.close();
  await keyring?.stop();
});

/** The accounts of every claude-auth entry `secret-tool` finds, with their (one-line) secrets. */
async function entries(): Promise<{ account: string; secret: string }[]> {
  const out = await keyring.secretTool([
    'search',
    '--all',
    '--unlock',
    'service',
    KEYCHAIN_SERVICE,
  ]);
  const found: { account: string; secret: string }[] = [];
  for (const item of out.split(/^\[/m).slice(1)) {
    // secret-tool prints attributes on stderr; the label names the account.
    const account = new RegExp(`^label = keyring:(.*)@${KEYCHAIN_SERVICE}$`, 'm').exec(item)?.[1];
    const secret = /^secret = (.*)$/m.exec(item)?.[1];
    if (account !== undefined && secret !== undefined) found.push({ account, secret });
  }
  return found;
}

describeCredentialStoreConformance('keychain (Secret Service)', async () => {
  const directory = await tempDir();
  const open = () =>
    new KeychainCredentialStore({ profile: 'work', directory, access, reason: 'test' });
  const store = open();
  return {
    store,
    reopen: open,
    corrupt: () => access.set(store.account, '{"version": 1, "kind": ', 3000),
    keptAside: async () =>
      (await entries())
        .filter((entry) => entry.account.startsWith(`${store.account}.corrupt-`))
        .map((entry) => entry.secret),
    sibling: (profile) =>
      new KeychainCredentialStore({ profile, directory, access, reason: 'test' }),
  };
});
