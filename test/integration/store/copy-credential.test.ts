import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../../fixtures/redis-server.js';
import { copyCredential } from '../../../src/store/copy-credential.js';
import type { CredentialStore } from '../../../src/store/credential-store.js';
import { FileCredentialStore } from '../../../src/store/file/file-credential-store.js';
import { RedisCredentialStore } from '../../../src/store/redis/redis-credential-store.js';
import type { AuthToken } from '../../../src/token/auth-token.js';
import { kill, startNode } from '../../helpers/child-process.js';
import { CLI } from '../../helpers/cli-process.js';
import { wrapTransactions } from '../../helpers/store-wrappers.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { oauthToken } from '../../helpers/tokens.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(() => redis?.stop());

const env = { CLAUDE_AUTH_STORE_KEY: randomBytes(32).toString('base64') };
let count = 0;

async function stores() {
  const dir = await tempDir();
  const prefix = `copy-${++count}:`;
  const file = new FileCredentialStore({ path: join(dir, 'tokens.json'), profile: 'default' });
  // A killed holder's lease frees in 2 s (the move makes no network call that needs longer).
  const url = redis.url({ prefix }).replace('?', '?leaseMs=2000&');
  const shared = new RedisCredentialStore({ url, profile: 'default', env });
  return { dir, url, file, shared };
}

type Step = 'write' | 'read-back' | 'delete';

/** The process "dies" at `step`: the store's operation throws there, as a kill would end it. */
function dyingAt(store: CredentialStore, step: Step): CredentialStore {
  let reads = 0;
  return wrapTransactions(store, (tx) => ({
    ...tx,
    read: async () => {
      reads++;
      // The destination's second read is the read-back after its write.
      if (step === 'read-back' && reads === 2) throw new Error('killed');
      return tx.read();
    },
    write: async (next: AuthToken | null, expected: string | null) => {
      if ((step === 'write' && next !== null) || (step === 'delete' && next === null))
        throw new Error('killed');
      return tx.write(next, expected);
    },
  }));
}

async function completeCopies(token: AuthToken, ...places: CredentialStore[]): Promise<number> {
  let complete = 0;
  for (const place of places) {
    const stored = await place.read();
    if (stored?.token.accessToken === token.accessToken) {
      expect(stored.token.toInit()).toEqual(token.toInit());
      complete++;
    }
  }
  return complete;
}

describe('copy and move between any two stores, crash-safe', () => {
  it('copies file → Redis and back, whole; refuses to overwrite another credential without replace', async () => {
    const { file, shared } = await stores();
    await expect(copyCredential(file, shared)).rejects.toMatchObject({ code: 'NOT_LOGGED_IN' });
    expect(await shared.read()).toBeNull();
    const token = oauthToken(3_600_000);
    await file.transact((tx) => tx.write(token, null));
    const there = await copyCredential(file, shared);
    expect(there).toMatchObject({ alreadyThere: false, sourceDeleted: false });
    expect(await completeCopies(token, file, shared)).toBe(2);
    const other = oauthToken(60_000);
    await file.transact(async (tx) => tx.write(other, await tx.currentRevision()));
    await expect(copyCredential(file, shared)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    expect(await completeCopies(token, shared)).toBe(1);
    await copyCredential(file, shared, { replace: true });
    expect(await completeCopies(other, shared)).toBe(1);
    await expect(copyCredential(shared, shared)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('a move re-run with replace after the copy was refreshed keeps the newer token; a copy never goes backwards', async () => {
    const { file, shared } = await stores();
    const obtained = Date.now();
    const token = oauthToken(3_600_000, obtained, { refreshToken: 'R-old' });
    await file.transact((tx) => tx.write(token, null));
    await expect(copyCredential(dyingAt(file, 'delete'), shared, { move: true })).rejects.toThrow(
      'killed',
    );
    // A runner refreshes the moved login meanwhile: the provider rotated R-old away.
    const refreshed = oauthToken(3_600_000, obtained + 60_000, { refreshToken: 'R-live' });
    await shared.transact(async (tx) => tx.write(refreshed, await tx.currentRevision()));
    await expect(copyCredential(file, shared, { replace: true })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/older refresh token over a newer one/),
    });
    const finished = await copyCredential(file, shared, { move: true, replace: true });
    expect(finished).toMatchObject({ alreadyThere: true, sourceDeleted: true });
    expect((await shared.read())?.token.refreshToken).toBe('R-live');
    expect(await file.read()).toBeNull();
  });

  it.each<[Step, 'source' | 'destination']>([
    ['write', 'destination'],
    ['read-back', 'destination'],
    ['delete', 'source'],
  ])(
    'a move that dies at the %s of the %s leaves a complete copy; running it again finishes',
    async (step, side) => {
      const { file, shared } = await stores();
      const token = oauthToken(3_600_000);
      await file.transact((tx) => tx.write(token, null));
      const from = side === 'source' ? dyingAt(file, step) : file;
      const to = side === 'destination' ? dyingAt(shared, step) : shared;
      await expect(copyCredential(from, to, { move: true })).rejects.toThrow('killed');
      expect(await completeCopies(token, file, shared)).toBeGreaterThanOrEqual(1);
      expect(await completeCopies(token, file)).toBe(1);
      const finished = await copyCredential(file, shared, { move: true });
      expect(finished.sourceDeleted).toBe(true);
      expect(await file.read()).toBeNull();
      expect(await completeCopies(token, shared)).toBe(1);
    },
  );

  it('`claude-auth storage move` SIGKILLed at random moments never leaves less than one complete copy', async () => {
    const { dir, url, file, shared } = await stores();
    const token = oauthToken(3_600_000);
    await file.transact((tx) => tx.write(token, null));
    const cliEnv = { ...process.env, ...env, CLAUDE_AUTH_DIR: dir, HOME: dir };
    for (let attempt = 0; attempt < 4; attempt++) {
      const child = startNode(CLI, ['storage', 'move', '--from', 'file', '--to', url], cliEnv);
      child.stdout?.resume();
      child.stderr?.resume();
      // A random moment between start and the end of a move (on this machine, under 1.5 s).
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 1_500));
      await kill(child);
      expect(await completeCopies(token, file, shared)).toBeGreaterThanOrEqual(1);
      // A finished move leaves nothing to move; put the credential back for the next attempt.
      if ((await file.read()) === null) await copyCredential(shared, file, { move: true });
    }
  }, 120_000);
});
