// Smoke tests of the OS keychain on each platform of the CI matrix: the macOS
// Keychain and the Windows Credential Manager of the runner, and on Linux a
// real Secret Service started for the test (gnome-keyring on a private bus).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerKeychainAccess } from '../../src/store/keychain/keychain-access.js';
import {
  KEYCHAIN_SERVICE,
  KeychainCredentialStore,
} from '../../src/store/keychain/keychain-store.js';
import { parseTokenFile, serializeTokenFile } from '../../src/token/token-file-format.js';
import { runCliProcess } from '../helpers/cli-process.js';
import { type SecretServiceSession, startSecretService } from '../helpers/secret-service.js';
import { tempDir } from '../helpers/temp-dir.js';
import { oauthToken } from '../helpers/tokens.js';

let keyring: SecretServiceSession | undefined;
/** What a child process needs to reach this platform's keychain. */
let keychainEnv: Record<string, string | undefined> = {};
let access: WorkerKeychainAccess;

beforeAll(async () => {
  if (process.platform === 'linux') {
    keyring = await startSecretService();
    // The native library reads the bus from the process environment (worker threads share it).
    process.env.DBUS_SESSION_BUS_ADDRESS = keyring.env.DBUS_SESSION_BUS_ADDRESS;
    keychainEnv = { DBUS_SESSION_BUS_ADDRESS: keyring.env.DBUS_SESSION_BUS_ADDRESS };
  } else {
    // macOS finds the login keychain through HOME; Windows needs its profile variables.
    keychainEnv = Object.fromEntries(
      ['HOME', 'USER', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA', 'SystemRoot', 'USERNAME'].map(
        (name) => [name, process.env[name]],
      ),
    );
  }
  access = new WorkerKeychainAccess(KEYCHAIN_SERVICE);
});
afterAll(async () => {
  access?.close();
  await keyring?.stop();
});

describe(`the OS keychain on ${process.platform}`, () => {
  it('round-trips a 2,600-byte record (above the 2,560 bytes Windows allows one entry) and removes every entry on logout', async () => {
    const store = new KeychainCredentialStore({
      profile: 'smoke',
      directory: await tempDir(),
      access,
      reason: 'smoke test',
    });
    const base = serializeTokenFile(oauthToken(3_600_000)).length;
    const token = oauthToken(3_600_000, Date.now(), {
      unknownFields: { padding: 'p'.repeat(2600 - base - 16) },
    });
    const text = serializeTokenFile(parseTokenFile(serializeTokenFile(token), 'smoke'));
    expect(Buffer.byteLength(text)).toBeGreaterThanOrEqual(2590);
    const outcome = await store.transact(async (tx) => tx.write(token, await tx.currentRevision()));
    expect(outcome.written).toBe(true);
    const stored = await store.read();
    expect(stored && serializeTokenFile(stored.token)).toBe(text);
    // The platform's keychain lists its entries too: the profile once, not its parts.
    expect(await store.profiles()).toEqual(['smoke']);
    await store.transact(async (tx) => tx.write(null, (await tx.read())?.revision ?? null));
    expect(await store.read()).toBeNull();
    expect(await store.profiles()).toEqual([]);
    expect(await access.get(store.account, 3000)).toBeNull();
  });

  it('the CLI with CLAUDE_AUTH_STORE=keychain: login, status says where, token, logout', async () => {
    const home = await tempDir();
    const env = {
      ...keychainEnv,
      CLAUDE_AUTH_DIR: join(home, 'claude-auth'),
      CLAUDE_CONFIG_DIR: join(home, '.claude'),
      CLAUDE_AUTH_STORE: 'keychain',
    };
    const secret = `sk-ant-oat01-${'S'.repeat(90)}AA`;
    const login = await runCliProcess(['login', '--with-token'], env, `${secret}\n`);
    expect(login.code, login.stderr).toBe(0);
    const status = JSON.parse((await runCliProcess(['status', '--json'], env)).stdout);
    expect(status.profiles[0]).toMatchObject({
      state: 'valid',
      store: {
        backend: 'keychain',
        location: `keychain:claude-auth/default@${join(home, 'claude-auth')}`,
      },
    });
    expect((await runCliProcess(['token'], env)).stdout).toBe(`${secret}\n`);
    expect((await runCliProcess(['logout'], env)).code).toBe(0);
    expect((await runCliProcess(['status'], env)).code).toBe(3);
  });
});
