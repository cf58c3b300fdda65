import { readdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  KeychainCredentialStore,
  keychainAccount,
  profileOfAccount,
} from '../../../../src/store/keychain/keychain-store.js';
import { describeCredentialStoreConformance } from '../../../conformance/credential-store-conformance.js';
import { MemoryKeychain } from '../../../helpers/memory-keychain.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { oauthToken } from '../../../helpers/tokens.js';

/** A token whose record spans several keychain entries. */
const large = () =>
  oauthToken(3_600_000, Date.now(), { unknownFields: { padding: 'p'.repeat(3000) } });

async function subject() {
  const directory = await tempDir();
  const keychain = new MemoryKeychain();
  const store = new KeychainCredentialStore({
    profile: 'work',
    directory,
    access: keychain,
    reason: 'test',
  });
  return { directory, keychain, store };
}

async function put(store: KeychainCredentialStore, token = large()) {
  return store.transact(async (tx) => tx.write(token, await tx.currentRevision()));
}

// The same contract every backend meets, on entries in memory (the real Secret Service runs it in test/conformance).
describeCredentialStoreConformance('keychain (entries in memory)', async () => {
  const { directory, keychain, store } = await subject();
  return {
    store,
    reopen: () =>
      new KeychainCredentialStore({ profile: 'work', directory, access: keychain, reason: 'test' }),
    corrupt: async () => {
      keychain.values.set(store.account, 'not a record');
    },
    keptAside: async () =>
      [...keychain.values]
        .filter(([account]) => account.startsWith(`${store.account}.corrupt-`))
        .map(([, v]) => v),
    sibling: (profile) =>
      new KeychainCredentialStore({ profile, directory, access: keychain, reason: 'test' }),
  };
});

describe('keychain accounts', () => {
  const home = join(homedir(), '.claude_code');
  it.each([
    ['work', home, 'work'],
    ['work', '/srv/auth', 'work@/srv/auth'],
  ])('names profile %s of %s as the account %s, and back', (profile, directory, account) => {
    expect(keychainAccount(profile, directory)).toBe(account);
    expect(profileOfAccount(account, directory)).toBe(profile);
  });

  it.each([
    ['work@/srv/auth', home],
    ['work', '/srv/auth'],
    ['work@/srv/other', '/srv/auth'],
    ['work#r1#1', home],
    ['work.corrupt-2026-01-01T00-00-00-000Z', home],
    ['work@/srv/auth.corrupt-2026', '/srv/auth'],
    ['claude-auth-probe', home],
    ['claude-auth-probe#0b6e4c2a-8f1d-4a3e-9c7b-2d5f6e8a9b0c', home],
    ['tokens', home],
  ])('takes the account %s of %s for no profile', (account, directory) => {
    expect(profileOfAccount(account, directory)).toBeUndefined();
  });
});

describe('KeychainCredentialStore', () => {
  it('finds a login made with CLAUDE_AUTH_DIR spelt with a trailing slash when it is spelt without', async () => {
    const directory = await tempDir();
    const keychain = new MemoryKeychain();
    const open = (spelling: string) =>
      new KeychainCredentialStore({
        profile: 'work',
        env: { CLAUDE_AUTH_DIR: spelling },
        access: keychain,
        reason: 'test',
      });
    const token = large();
    await put(open(`${directory}/`), token);
    expect(open(directory).account).toBe(open(`${directory}/`).account);
    expect((await open(directory).read())?.token.accessToken).toBe(token.accessToken);
  });

  it('a write that died before its head leaves the old record whole; the next write removes its parts', async () => {
    const { keychain, store } = await subject();
    const first = large();
    await put(store, first);
    const before = new Map(keychain.values);
    // The head is the commit point: fail there, as a process killed just before it.
    keychain.failOn = (operation, account) => operation === 'set' && account === store.account;
    await expect(put(store)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    keychain.failOn = undefined;
    expect((await store.read())?.token.accessToken).toBe(first.accessToken);
    expect(keychain.values.size).toBeGreaterThan(before.size);
    const next = large();
    await put(store, next);
    expect((await store.read())?.token.accessToken).toBe(next.accessToken);
    // Only the new record's entries remain: the old parts and the dead write's parts are gone.
    const head = keychain.values.get(store.account) ?? '';
    const entries = Number(head.split('\n')[0]?.split(' ')[2]);
    expect(keychain.values.size).toBe(entries);
  });

  it('a logout removes every entry; the lock and version marker beside them hold no secret', async () => {
    const { directory, keychain, store } = await subject();
    const token = large();
    const { revision } = (await put(store, token)) as { revision: string };
    await store.transact((tx) => tx.write(null, revision));
    expect(keychain.values.size).toBe(0);
    expect(await store.read()).toBeNull();
    for (const name of await readdir(directory, { recursive: true })) {
      const text = await readFile(join(directory, name), 'utf8').catch(() => '');
      expect(text).not.toContain(token.accessToken);
      expect(text).not.toContain(token.refreshToken as string);
    }
  });

  it('a failing keychain is STORE_UNAVAILABLE with the fix, and writes no file', async () => {
    const { directory, keychain, store } = await subject();
    keychain.failOn = () => true;
    const error = await put(store).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'STORE_UNAVAILABLE',
      fix: expect.stringMatching(/unlock the keychain.*CLAUDE_AUTH_STORE=file/),
    });
    expect((await readdir(directory)).filter((name) => name.endsWith('.json'))).toEqual([]);
  });
});
