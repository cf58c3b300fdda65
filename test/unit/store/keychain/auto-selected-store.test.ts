import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileCredentialStore } from '../../../../src/store/file-credential-store.js';
import { AutoSelectedStore } from '../../../../src/store/keychain/auto-selected-store.js';
import { MemoryKeychain } from '../../../helpers/memory-keychain.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { oauthToken } from '../../../helpers/tokens.js';

async function auto(keychain: MemoryKeychain, platform: NodeJS.Platform, env: NodeJS.ProcessEnv) {
  const directory = await tempDir();
  const warnings: string[] = [];
  const store = new AutoSelectedStore({
    profile: 'work',
    directory,
    env,
    platform,
    source: 'CLAUDE_AUTH_STORE',
    keychain,
    warn: (text) => warnings.push(text),
    openFile: (reason) => new FileCredentialStore({ path: join(directory, 'work.json'), reason }),
  });
  return { store, warnings, directory };
}

describe('AutoSelectedStore', () => {
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
