import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuthErrorCode, AuthenticationError } from '../../../src/errors/authentication-error.js';
import { TokenManager } from '../../../src/refresh/token-manager.js';
import { FileCredentialStore } from '../../../src/store/file/file-credential-store.js';
import type { AuthToken } from '../../../src/token/auth-token.js';
import { wrapTransactions } from '../../helpers/store-wrappers.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { oauthToken } from '../../helpers/tokens.js';

describe('TokenManager: a rotated token the store does not take', () => {
  it('the file store (whose lease renews itself) gives up within the lease, keeps the token and stores it next call', async () => {
    const store = new FileCredentialStore({
      path: join(await tempDir(), 'work.json'),
      profile: 'work',
    });
    await store.transact((tx) =>
      tx.write(oauthToken(-1_000, Date.now(), { refreshToken: 'R0' }), null),
    );
    let diskFull = true;
    let writes = 0;
    const failing = wrapTransactions(store, (tx) => ({
      ...tx,
      write: async (next, expected) => {
        writes++;
        if (diskFull)
          throw new AuthenticationError(AuthErrorCode.STORAGE_IO, 'No space left on device.');
        return tx.write(next, expected);
      },
    }));
    const spent: string[] = [];
    const refresh = async (token: AuthToken) => {
      spent.push(token.refreshToken as string);
      return oauthToken(3_600_000, Date.now(), { refreshToken: `R${spent.length}` });
    };
    // A lease longer than the longest pause between retries: only the lease length bounds them.
    const manager = new TokenManager({ store: failing, refresh, lock: { staleMs: 4_000 } });
    await expect(manager.getValidToken()).rejects.toMatchObject({
      code: AuthErrorCode.STORE_UNAVAILABLE,
      message: expect.stringMatching(/rotated its refresh token/),
    });
    // Retried, not given up at the first failure, and not forever.
    expect(writes).toBeGreaterThan(1);
    expect((await store.read())?.token.refreshToken).toBe('R0');
    diskFull = false;
    expect((await manager.getValidToken()).refreshToken).toBe('R1');
    expect((await store.read())?.token.refreshToken).toBe('R1');
    expect(spent).toEqual(['R0']);
  });
});
