import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { helperToken } from '../../../src/refresh/helper-token.js';
import { TokenManager } from '../../../src/refresh/token-manager.js';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import type { AuthToken } from '../../../src/token/auth-token.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { oauthToken } from '../../helpers/tokens.js';

/** A stored token obtained `ageMs` ago with a 10-minute lifetime, and a counting refresh. */
async function managerFor(ageMs: number) {
  const now = Date.now();
  const stored = oauthToken(600_000 - ageMs, now - ageMs);
  const storage = new TokenStorage(join(await tempDir(), 'tokens.json'));
  await storage.saveToken(stored);
  const refreshed: AuthToken[] = [];
  const manager = new TokenManager({
    storage,
    refresh: async () => {
      const next = oauthToken(600_000);
      refreshed.push(next);
      return next;
    },
  });
  return { manager, stored, refreshed };
}

describe('helperToken', () => {
  it('prints a fresh token as it is', async () => {
    const { manager, stored, refreshed } = await managerFor(0);
    expect((await helperToken(manager)).accessToken).toBe(stored.accessToken);
    expect(refreshed).toEqual([]);
  });

  it('refreshes a token in its advisory window first, once, joining the background refresh', async () => {
    const { manager, refreshed } = await managerFor(400_000);
    const token = await helperToken(manager);
    expect(refreshed).toHaveLength(1);
    expect(token.accessToken).toBe(refreshed[0]?.accessToken);
  });

  it('with a minimum lifetime, refreshes only a token that would not last it', async () => {
    const { manager, stored, refreshed } = await managerFor(0);
    expect((await helperToken(manager, 300_000)).accessToken).toBe(stored.accessToken);
    expect(refreshed).toEqual([]);
    expect((await helperToken(manager, 700_000)).accessToken).toBe(refreshed[0]?.accessToken);
    expect(refreshed).toHaveLength(1);
  });
});
