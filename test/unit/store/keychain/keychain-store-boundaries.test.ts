import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuthErrorCode } from '../../../../src/errors/authentication-error.js';
import { partAccount } from '../../../../src/store/keychain/keychain-record.js';
import { keychainUnreachable } from '../../../../src/store/keychain/keychain-selection.js';
import {
  KeychainCredentialStore,
  openKeychainStore,
} from '../../../../src/store/keychain/keychain-store.js';
import type { AuthToken } from '../../../../src/token/auth-token.js';
import { MemoryKeychain } from '../../../helpers/memory-keychain.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { oauthToken } from '../../../helpers/tokens.js';

// The keychain store's defences at their boundary (SECURITY.md › Credentials at
// rest): the head entry, the commit point, is written only by a holder that
// still holds the lock right then; parts a killed writer left are removed and
// never read as a record; a record is read whole or not at all.

/** A token whose record spans three keychain entries. */
const large = () =>
  oauthToken(3_600_000, Date.now(), { unknownFields: { padding: 'p'.repeat(2000) } });

async function subject() {
  const directory = await tempDir();
  const keychain = new MemoryKeychain();
  const store = new KeychainCredentialStore({
    profile: 'work',
    directory,
    access: keychain,
    reason: 'test',
  });
  const lockOwner = join(directory, 'work.keychain.lock', 'owner.json');
  /** Another process takes the lock over (ours lapsed while we stalled). */
  const takeOver = async () => {
    const ours = JSON.parse(await readFile(lockOwner, 'utf8')) as object;
    await writeFile(lockOwner, JSON.stringify({ ...ours, id: 'successor' }));
  };
  return { directory, keychain, store, takeOver };
}

async function put(store: KeychainCredentialStore, token: AuthToken = large()) {
  return store.transact(async (tx) => tx.write(token, await tx.currentRevision()));
}

const isPart = (account: string) => account.includes('#');

describe('the head entry is written only after the fence', () => {
  it('a holder that lost its lock while writing the parts never writes the head', async () => {
    const { keychain, store, takeOver } = await subject();
    const first = large();
    await put(store, first);
    const head = keychain.values.get(store.account);
    let partsWritten = 0;
    keychain.before = async (operation, account) => {
      if (operation === 'set' && isPart(account) && ++partsWritten === 1) await takeOver();
    };
    const outcome = await put(store);
    expect(outcome).toEqual({ written: false });
    expect(keychain.values.get(store.account)).toBe(head);
    expect((await store.read())?.token.accessToken).toBe(first.accessToken);
  });

  it('a holder that lost its lock before writing writes no entry at all', async () => {
    const { keychain, store, takeOver } = await subject();
    await put(store);
    const before = new Map(keychain.values);
    const outcome = await store.transact(async (tx) => {
      const revision = await tx.currentRevision();
      await takeOver();
      return tx.write(large(), revision);
    });
    expect(outcome).toEqual({ written: false });
    expect(keychain.values).toEqual(before);
  });

  it('a logout by a holder that lost its lock after its first check deletes nothing', async () => {
    const { keychain, store, takeOver } = await subject();
    await put(store);
    const before = new Map(keychain.values);
    let partsRead = 0;
    const outcome = await store.transact(async (tx) => {
      const revision = await tx.currentRevision();
      // Lost while the logout reads the record it is about to remove.
      keychain.before = async (operation, account) => {
        if (operation === 'get' && isPart(account) && ++partsRead === 1) await takeOver();
      };
      return tx.write(null, revision);
    });
    expect(outcome).toEqual({ written: false });
    expect(keychain.values).toEqual(before);
  });
});

describe('parts a killed writer left are removed and never read as a record', () => {
  /** A first login killed right before its head: its parts are in the keychain, no head. */
  async function killedFirstWrite() {
    const context = await subject();
    context.keychain.failOn = (operation, account) =>
      operation === 'set' && account === context.store.account;
    await expect(put(context.store)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    context.keychain.failOn = undefined;
    expect([...context.keychain.values.keys()].filter(isPart)).toHaveLength(2);
    return context;
  }

  it('reads as no credential, not as the parts', async () => {
    const { store } = await killedFirstWrite();
    expect(await store.read()).toBeNull();
  });

  it('the next login removes every one of them, keeping only its own entries', async () => {
    const { keychain, store } = await killedFirstWrite();
    const abandoned = [...keychain.values.keys()].filter(isPart);
    const outcome = await put(store);
    if (!outcome.written) throw new Error('the login did not land');
    expect([...keychain.values.keys()].sort()).toEqual(
      [
        store.account,
        partAccount(store.account, outcome.revision as string, 1),
        partAccount(store.account, outcome.revision as string, 2),
      ].sort(),
    );
    for (const account of abandoned) expect(keychain.values.has(account)).toBe(false);
  });

  it('a logout removes them too, leaving the keychain empty', async () => {
    const { keychain, store } = await killedFirstWrite();
    await store.transact((tx) => tx.write(null, null));
    expect([...keychain.values.keys()]).toEqual([]);
  });
});

describe('the parts of the record in use are never taken for abandoned ones', () => {
  it('a writer killed after its head, before settling its marker, leaves a record the next failed write keeps', async () => {
    const { directory, keychain, store } = await subject();
    const first = large();
    const outcome = await put(store, first);
    if (!outcome.written) throw new Error('the first write did not land');
    // Killed between the head (the commit point) and settling the marker: still "pending".
    await writeFile(
      join(directory, 'work.keychain-version'),
      JSON.stringify({ counter: 1, pending: { revision: outcome.revision, entries: 3 } }),
      { mode: 0o600 },
    );
    keychain.failOn = (operation, account) => operation === 'set' && account === store.account;
    await expect(put(store)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    keychain.failOn = undefined;
    expect((await store.read())?.token.accessToken).toBe(first.accessToken);
  });
});

describe('a record is read whole or not at all', () => {
  // Each change leaves the record valid JSON (a padding character), so only the
  // digest in the head can tell the record is not the one written.
  it.each([
    ['one character of a part changed', (value: string) => value.replace('p', 'q')],
    ['one character of a part removed', (value: string) => value.replace('p', '')],
  ])('refuses a record with %s as STORAGE_CORRUPT, leaving it in place', async (_name, change) => {
    const { keychain, store } = await subject();
    const outcome = await put(store);
    const part = partAccount(store.account, (outcome as { revision: string }).revision, 1);
    keychain.values.set(part, change(keychain.values.get(part) ?? ''));
    const before = new Map(keychain.values);
    await expect(store.read()).rejects.toMatchObject({ code: AuthErrorCode.STORAGE_CORRUPT });
    expect(keychain.values).toEqual(before);
  });

  it('refuses a record with a part missing as STORAGE_CORRUPT', async () => {
    const { keychain, store } = await subject();
    const outcome = await put(store);
    keychain.values.delete(
      partAccount(store.account, (outcome as { revision: string }).revision, 1),
    );
    await expect(store.read()).rejects.toMatchObject({ code: AuthErrorCode.STORAGE_CORRUPT });
  });
});

describe('no Secret Service without a session bus', () => {
  // An empty address is no bus: the library would fall back to the kernel keyring.
  it.each([
    ['unset', {}],
    ['empty', { DBUS_SESSION_BUS_ADDRESS: '' }],
  ])('on Linux, a DBUS_SESSION_BUS_ADDRESS %s means the keychain is unreachable', (_name, env) => {
    expect(keychainUnreachable(env, 'linux')).toMatch(/no D-Bus session bus/);
    expect(() =>
      openKeychainStore({
        source: 'CLAUDE_AUTH_STORE',
        env,
        platform: 'linux',
        access: new MemoryKeychain(),
      }),
    ).toThrow(expect.objectContaining({ code: AuthErrorCode.STORE_UNAVAILABLE }));
  });

  it('a set address, or another platform, may be tried', () => {
    expect(keychainUnreachable({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/bus' }, 'linux')).toBe(
      undefined,
    );
    expect(keychainUnreachable({}, 'darwin')).toBe(undefined);
    expect(keychainUnreachable({}, 'win32')).toBe(undefined);
  });
});
