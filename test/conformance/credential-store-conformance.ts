import { describe, expect, it } from 'vitest';
import { AuthErrorCode } from '../../src/errors/authentication-error.js';
import type { CredentialStore, StoredCredential } from '../../src/store/credential-store.js';
import { AuthToken } from '../../src/token/auth-token.js';
import { oauthToken } from '../helpers/tokens.js';

/** One fresh, empty credential of the backend under test. */
export interface ConformanceSubject {
  /** A store of the credential. */
  readonly store: CredentialStore;
  /** Another, independent handle on the same credential, as a second process would open. */
  reopen(): CredentialStore | Promise<CredentialStore>;
  /** Replaces the stored record with bytes no reader accepts, bypassing the store. */
  corrupt(): Promise<void>;
  /** The records kept aside so far (e.g. the file store's `.corrupt-<time>` copies), raw. */
  keptAside(): Promise<string[]>;
  /** The store of another profile in the same place (directory, prefix, keychain service). */
  sibling(profile: string): CredentialStore;
}

/** A promise and its resolver, to order concurrent sections without sleeping. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** The token counting `n` (its access token names it), for lost-update checks. */
function counted(n: number): AuthToken {
  return oauthToken(3_600_000, Date.now(), { accessToken: `count-${n}` });
}

function countOf(stored: StoredCredential | null): number {
  return stored === null ? 0 : Number(stored.token.accessToken.replace('count-', ''));
}

async function put(store: CredentialStore, token: AuthToken | null): Promise<string | null> {
  return store.transact(async (tx) => {
    const outcome = await tx.write(token, await tx.currentRevision());
    if (!outcome.written) throw new Error('an uncontended write was refused');
    return outcome.revision;
  });
}

/**
 * The conformance suite of {@link CredentialStore} (DESIGN.md §6a): every
 * backend runs it. `makeSubject` gives a fresh, empty credential per test.
 *
 * @param name - The backend's name in test titles.
 * @param makeSubject - Makes one fresh credential of the backend.
 */
export function describeCredentialStoreConformance(
  name: string,
  makeSubject: () => Promise<ConformanceSubject>,
): void {
  describe(`CredentialStore conformance: ${name}`, () => {
    it('reads nothing from an empty credential, with or without a lease', async () => {
      const { store } = await makeSubject();
      expect(await store.read()).toBeNull();
      const seen = await store.transact(async (tx) => [
        await tx.read(),
        await tx.currentRevision(),
      ]);
      expect(seen).toEqual([null, null]);
    });

    it('stores a token that reads back whole, with the revision the write returned', async () => {
      const { store, reopen } = await makeSubject();
      const token = oauthToken(3_600_000, Date.now(), { unknownFields: { future: { a: 1 } } });
      const revision = await put(store, token);
      expect(typeof revision).toBe('string');
      for (const handle of [store, await reopen()]) {
        const stored = await handle.read();
        expect(stored?.token.toInit()).toEqual(token.toInit());
        expect(stored?.revision).toBe(revision);
      }
      expect(await store.transact((tx) => tx.currentRevision())).toBe(revision);
    });

    it('returns what the section returns, and gives the section lease time', async () => {
      const { store } = await makeSubject();
      const result = await store.transact(async (tx) => {
        expect(tx.leaseRemainingMs()).toBeGreaterThan(0);
        return 42;
      });
      expect(result).toBe(42);
    });

    it('refuses a write naming a revision the store no longer holds, changing nothing', async () => {
      const { store } = await makeSubject();
      const first = await put(store, counted(1));
      const second = await put(store, counted(2));
      expect(second).not.toBe(first);
      const outcome = await store.transact((tx) => tx.write(counted(99), first));
      expect(outcome).toEqual({ written: false });
      expect(countOf(await store.read())).toBe(2);
      // "Nothing stored" is a revision too: a create over an existing record is refused.
      expect(await store.transact((tx) => tx.write(counted(99), null))).toEqual({ written: false });
      expect(countOf(await store.read())).toBe(2);
    });

    it('refuses a create once another writer created the record', async () => {
      const { store, reopen } = await makeSubject();
      const other = await reopen();
      await put(other, counted(7));
      expect(await store.transact((tx) => tx.write(counted(1), null))).toEqual({ written: false });
      expect(countOf(await store.read())).toBe(7);
    });

    it('a second write in one transaction must name the revision the first returned', async () => {
      const { store } = await makeSubject();
      await store.transact(async (tx) => {
        const first = await tx.write(counted(1), null);
        expect(first.written).toBe(true);
        expect(await tx.write(counted(2), null)).toEqual({ written: false });
        const second = await tx.write(counted(3), first.written ? first.revision : 'x');
        expect(second.written).toBe(true);
      });
      expect(countOf(await store.read())).toBe(3);
    });

    it('deletes with a matching revision only', async () => {
      const { store } = await makeSubject();
      const revision = await put(store, counted(1));
      expect(await store.transact((tx) => tx.write(null, 'not-the-revision'))).toEqual({
        written: false,
      });
      expect(countOf(await store.read())).toBe(1);
      expect(await store.transact((tx) => tx.write(null, revision))).toEqual({
        written: true,
        revision: null,
      });
      expect(await store.read()).toBeNull();
      expect(await store.transact((tx) => tx.currentRevision())).toBeNull();
      // Deleting nothing against "nothing stored" is a no-op that succeeds or is refused, never an error.
      await store.transact((tx) => tx.write(null, null));
      expect(await store.read()).toBeNull();
    });

    it('never reuses a revision: not for the same token rewritten, not after a delete and a new write', async () => {
      const { store, reopen } = await makeSubject();
      const token = counted(1);
      const seen = new Set<string | null>();
      seen.add(await put(store, token));
      seen.add(await put(store, token));
      const beforeLogout = (await store.read())?.revision ?? null;
      await put(store, null);
      seen.add(await put(store, token));
      expect(seen.size).toBe(3);
      expect(seen.has(null)).toBe(false);
      // A writer that read before the logout cannot write over the new login.
      const stale = await reopen();
      expect(await stale.transact((tx) => tx.write(counted(9), beforeLogout))).toEqual({
        written: false,
      });
      expect(countOf(await store.read())).toBe(1);
    });

    it('holds one lease at a time across handles: sections never overlap', async () => {
      const { store, reopen } = await makeSubject();
      const handles = [store, ...(await Promise.all(Array.from({ length: 3 }, reopen)))];
      let inside = 0;
      let most = 0;
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (handles[i % handles.length] as CredentialStore).transact(
            async (tx) => {
              inside += 1;
              most = Math.max(most, inside);
              // Real I/O inside the section: without exclusion, other sections would enter here.
              for (let j = 0; j < 3; j++) await tx.read();
              inside -= 1;
            },
            { waitMs: 60_000 },
          ),
        ),
      );
      expect(most).toBe(1);
    });

    it('gives up waiting for a held lease with STORAGE_LOCK_TIMEOUT, leaving the record alone', async () => {
      const { store, reopen } = await makeSubject();
      await put(store, counted(1));
      const other = await reopen();
      const holding = gate();
      const release = gate();
      const holder = store.transact(async () => {
        holding.open();
        await release.opened;
      });
      await holding.opened;
      await expect(
        other.transact(async (tx) => tx.write(counted(2), await tx.currentRevision()), {
          waitMs: 300,
        }),
      ).rejects.toMatchObject({ code: AuthErrorCode.STORAGE_LOCK_TIMEOUT });
      release.open();
      await holder;
      expect(countOf(await store.read())).toBe(1);
    });

    it('releases the lease when the section throws', async () => {
      const { store, reopen } = await makeSubject();
      await expect(
        store.transact(async () => {
          throw new Error('section failed');
        }),
      ).rejects.toThrow('section failed');
      const other = await reopen();
      await expect(other.transact(async () => 'entered', { waitMs: 2_000 })).resolves.toBe(
        'entered',
      );
    });

    it('loses no update among concurrent read-modify-write transactions', async () => {
      const { store, reopen } = await makeSubject();
      const handles = [store, ...(await Promise.all(Array.from({ length: 5 }, reopen)))];
      const increments = 12;
      await Promise.all(
        Array.from({ length: increments }, (_, i) =>
          (handles[i % handles.length] as CredentialStore).transact(
            async (tx) => {
              const stored = await tx.read();
              const outcome = await tx.write(
                counted(countOf(stored) + 1),
                stored?.revision ?? null,
              );
              expect(outcome.written).toBe(true);
            },
            { waitMs: 60_000 },
          ),
        ),
      );
      expect(countOf(await store.read())).toBe(increments);
    });

    it('an unreadable record: reads fail, it has a revision, a write must name it, and it is kept aside', async () => {
      const { store, corrupt, keptAside } = await makeSubject();
      await put(store, counted(1));
      await corrupt();
      await expect(store.read()).rejects.toMatchObject({ code: AuthErrorCode.STORAGE_CORRUPT });
      await expect(store.transact((tx) => tx.read())).rejects.toMatchObject({
        code: AuthErrorCode.STORAGE_CORRUPT,
      });
      const revision = await store.transact((tx) => tx.currentRevision());
      expect(revision).not.toBeNull();
      expect(await store.read().catch(() => 'still unreadable')).toBe('still unreadable');
      expect(await store.transact((tx) => tx.write(counted(2), null))).toEqual({ written: false });
      expect(await keptAside()).toEqual([]);
      const outcome = await store.transact((tx) => tx.write(counted(2), revision));
      expect(outcome.written).toBe(true);
      expect(countOf(await store.read())).toBe(2);
      expect(await keptAside()).toHaveLength(1);
    });

    it('two handles of one credential share one identity; describe() holds no secret', async () => {
      const { store, reopen } = await makeSubject();
      const token = counted(1);
      await put(store, token);
      expect(await (await reopen()).identity()).toBe(await store.identity());
      const description = JSON.stringify(store.describe());
      expect(description).not.toContain(token.accessToken);
      expect(description).not.toContain(token.refreshToken as string);
      expect(store.describe().reason.length).toBeGreaterThan(0);
    });

    it('lists the profiles of its place, unreadable ones included, logged-out ones not', async () => {
      const { store, reopen, corrupt, sibling } = await makeSubject();
      expect(await store.profiles()).toEqual([]);
      await put(store, counted(1));
      await put(sibling('alpha'), counted(2));
      await put(sibling('default'), counted(3));
      // default first, then by name; another handle sees the same.
      expect(await store.profiles()).toEqual(['default', 'alpha', 'work']);
      expect(await (await reopen()).profiles()).toEqual(['default', 'alpha', 'work']);
      // Kept aside, parts of a record, lease keys: none is a profile.
      await corrupt();
      await put(store, counted(4));
      await corrupt();
      expect(await sibling('alpha').profiles()).toEqual(['default', 'alpha', 'work']);
      await put(sibling('alpha'), null);
      expect(await store.profiles()).toEqual(['default', 'work']);
    });

    it('keeps a re-login mark and the account through a write', async () => {
      const { store } = await makeSubject();
      const token = counted(1).with({ reauthRequired: true });
      await put(store, token);
      const stored = await store.read();
      expect(stored?.token.reauthRequired).toBe(true);
      expect(stored?.token.account).toEqual(token.account);
      expect(stored?.token).toBeInstanceOf(AuthToken);
    });
  });
}
