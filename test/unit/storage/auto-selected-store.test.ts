import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AutoSelectedStore } from '../../../src/storage/auto-selected-store.js';
import type { CredentialStore } from '../../../src/store/credential-store.js';
import { FileCredentialStore } from '../../../src/store/file/file-credential-store.js';
import { replaceCredential } from '../../../src/store/replace-credential.js';
import type { AuthToken } from '../../../src/token/auth-token.js';
import { describeCredentialStoreConformance } from '../../conformance/credential-store-conformance.js';
import { MemoryKeychain } from '../../helpers/memory-keychain.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { oauthToken } from '../../helpers/tokens.js';

/** The file store of `profile` in `directory`, as openStore makes it. */
function fileOf(directory: string, profile: string, reason = 'test') {
  const name = profile === 'default' ? 'tokens.json' : `${profile}.json`;
  return new FileCredentialStore({ path: join(directory, name), profile, reason });
}

function autoIn(
  directory: string,
  keychain: MemoryKeychain,
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv,
  profile = 'work',
  warnings: string[] = [],
) {
  return new AutoSelectedStore({
    profile,
    directory,
    env,
    platform,
    source: 'CLAUDE_AUTH_STORE',
    keychain,
    warn: (text) => warnings.push(text),
    openFile: (reason) => fileOf(directory, profile, reason),
  });
}

async function auto(keychain: MemoryKeychain, platform: NodeJS.Platform, env: NodeJS.ProcessEnv) {
  const directory = await tempDir();
  const warnings: string[] = [];
  const store = autoIn(directory, keychain, platform, env, 'work', warnings);
  return { store, warnings, directory };
}

async function put(store: CredentialStore, token: AuthToken | null) {
  return store.transact(async (tx) => tx.write(token, await tx.currentRevision()));
}

// `auto` that chose the keychain meets the same contract as the keychain itself.
describeCredentialStoreConformance('auto (the keychain chosen, entries in memory)', async () => {
  const directory = await tempDir();
  const keychain = new MemoryKeychain();
  const open = (profile = 'work') => autoIn(directory, keychain, 'darwin', {}, profile);
  const account = `work@${directory}`;
  return {
    store: open(),
    reopen: () => open(),
    corrupt: async () => {
      keychain.values.set(account, 'not a record');
    },
    keptAside: async () =>
      [...keychain.values]
        .filter(([name]) => name.startsWith(`${account}.corrupt-`))
        .map(([, v]) => v),
    sibling: open,
  };
});

describe('AutoSelectedStore', () => {
  it('with the keychain chosen, lists and reports the logins only the file holds', async () => {
    const directory = await tempDir();
    const keychain = new MemoryKeychain();
    await put(fileOf(directory, 'default'), oauthToken(60_000));
    await put(autoIn(directory, keychain, 'darwin', {}, 'work'), oauthToken(60_000));
    const store = autoIn(directory, keychain, 'darwin', {}, 'default');
    expect(await store.read()).toBeNull();
    expect(await store.profiles()).toEqual(['default', 'work']);
    const bypassed = await store.bypassed();
    expect(bypassed?.describe()).toMatchObject({
      backend: 'file',
      location: join(directory, 'tokens.json'),
      reason: 'not used: CLAUDE_AUTH_STORE=auto chose the keychain over it',
    });
  });

  it('with the keychain chosen, a logout removes the file login too', async () => {
    const directory = await tempDir();
    const keychain = new MemoryKeychain();
    const file = fileOf(directory, 'work');
    await put(file, oauthToken(60_000));
    const store = autoIn(directory, keychain, 'darwin', {});
    await put(store, oauthToken(60_000));
    expect(await replaceCredential(store, null)).toMatchObject({ existed: true });
    expect(await file.read()).toBeNull();
    expect(await store.profiles()).toEqual([]);
  });

  it('with the file chosen, bypasses nothing', async () => {
    const keychain = new MemoryKeychain();
    keychain.failOn = () => true;
    const { store } = await auto(keychain, 'win32', {});
    expect(await store.bypassed()).toBeUndefined();
  });

  it('says the choice is pending until the first read, then names the keychain it probed', async () => {
    const keychain = new MemoryKeychain();
    const { store, warnings } = await auto(keychain, 'darwin', {});
    expect(store.describe().reason).toMatch(/not probed yet/);
    await store.transact(async (tx) => tx.write(oauthToken(60_000), await tx.currentRevision()));
    expect(store.describe()).toMatchObject({
      backend: 'keychain',
      reason: 'CLAUDE_AUTH_STORE=auto: the keychain passed a write/read/delete probe',
    });
    expect(keychain.values.size).toBe(1);
    expect(warnings).toEqual([]);
  });

  it('falls back to the file when the probe fails, saying why', async () => {
    const keychain = new MemoryKeychain();
    keychain.failOn = () => true;
    const { store, directory } = await auto(keychain, 'win32', {});
    await store.transact(async (tx) => tx.write(oauthToken(60_000), await tx.currentRevision()));
    expect(store.describe()).toMatchObject({
      backend: 'file',
      location: join(directory, 'work.json'),
      reason: expect.stringMatching(/auto: the keychain is not usable \(injected failure/),
    });
  });
});
