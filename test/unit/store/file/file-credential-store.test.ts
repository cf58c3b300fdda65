import { chmod, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CredentialTransaction } from '../../../../src/store/credential-store.js';
import { FileCredentialStore } from '../../../../src/store/file/file-credential-store.js';
import { type FileSystem, nodeFileSystem } from '../../../../src/store/file/file-system.js';
import { serializeTokenFile } from '../../../../src/token/token-file-format.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { oauthToken } from '../../../helpers/tokens.js';

/** A promise and its resolver. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

async function staleLock(store: FileCredentialStore): Promise<void> {
  const longAgo = new Date(0);
  await utimes(`${await store.identity()}.lock`, longAgo, longAgo);
}

describe('FileCredentialStore', () => {
  it('keys the lease by the resolved file: a symlinked profile and its target exclude each other', async () => {
    const dir = await tempDir();
    const target = new FileCredentialStore({ path: join(dir, 'work.json') });
    await target.transact((tx) => tx.write(oauthToken(60_000), null));
    const link = join(dir, 'alias.json');
    await symlink(target.path, link);
    const viaLink = new FileCredentialStore({ path: link });
    expect(await viaLink.identity()).toBe(await target.identity());
    const inside = gate();
    const release = gate();
    const holder = target.transact(async () => {
      inside.open();
      await release.opened;
    });
    await inside.opened;
    await expect(viaLink.transact(async () => 'entered', { waitMs: 300 })).rejects.toMatchObject({
      code: 'STORAGE_LOCK_TIMEOUT',
    });
    release.open();
    await holder;
  });

  it('keys an absent file by its resolved directory, so a later symlinked path agrees', async () => {
    const dir = await tempDir();
    const alias = join(await tempDir(), 'alias');
    await symlink(dir, alias);
    const direct = new FileCredentialStore({ path: join(dir, 'tokens.json') });
    const throughLink = new FileCredentialStore({ path: join(alias, 'tokens.json') });
    expect(await throughLink.identity()).toBe(await direct.identity());
  });

  it('a holder whose lease was taken over cannot write, even when the record did not change', async () => {
    const path = join(await tempDir(), 'tokens.json');
    const stalled = new FileCredentialStore({ path, lock: { staleMs: 60_000 } });
    const other = new FileCredentialStore({ path });
    const first = oauthToken(60_000);
    await stalled.transact((tx) => tx.write(first, null));
    const takenOver = gate();
    const newHolderDone = gate();
    const takeovers: string[] = [];
    let newHolder: Promise<void> | undefined;
    const outcome = await stalled.transact(async (tx: CredentialTransaction) => {
      const revision = await tx.currentRevision();
      await staleLock(stalled);
      newHolder = other.transact(
        async () => {
          takenOver.open();
          await newHolderDone.opened;
        },
        { onTakeover: () => takeovers.push('takeover') },
      );
      await takenOver.opened;
      const refused = await tx.write(oauthToken(60_000), revision);
      expect(tx.leaseRemainingMs()).toBe(0);
      newHolderDone.open();
      return refused;
    });
    await newHolder;
    expect(outcome).toEqual({ written: false });
    expect(takeovers).toEqual(['takeover']);
    expect((await stalled.read())?.token.accessToken).toBe(first.accessToken);
  });

  it('fences the rename itself: a takeover while the new file is being written leaves the newer token', async () => {
    const path = join(await tempDir(), 'tokens.json');
    const other = new FileCredentialStore({ path });
    const newer = oauthToken(60_000);
    let stalled: FileCredentialStore | undefined;
    let planted = false;
    const fs: FileSystem = {
      ...nodeFileSystem,
      open: (async (target: string, flags?: number, mode?: number) => {
        if (!planted && target.endsWith('.tmp')) {
          // We stall right after deciding to write; another process takes over and writes.
          planted = true;
          await staleLock(stalled as FileCredentialStore);
          await other.transact(async (tx) => tx.write(newer, await tx.currentRevision()));
        }
        return nodeFileSystem.open(target, flags, mode);
      }) as FileSystem['open'],
    };
    stalled = new FileCredentialStore({ path, fs, lock: { staleMs: 60_000 } });
    await other.transact((tx) => tx.write(oauthToken(60_000), null));
    const outcome = await stalled.transact(async (tx) =>
      tx.write(oauthToken(60_000), await tx.currentRevision()),
    );
    expect(planted).toBe(true);
    expect(outcome).toEqual({ written: false });
    expect((await other.read())?.token.accessToken).toBe(newer.accessToken);
  });

  it('fences the rename against a record changed behind the lock: a file rewritten without the lock meanwhile is kept', async () => {
    const path = join(await tempDir(), 'tokens.json');
    const newer = oauthToken(60_000);
    let rewritten = false;
    const fs: FileSystem = {
      ...nodeFileSystem,
      open: (async (target: string, flags?: number, mode?: number) => {
        if (!rewritten && target.endsWith('.tmp')) {
          // A writer that takes no lock (an older release) replaces the file; our lease stays ours.
          rewritten = true;
          await writeFile(path, serializeTokenFile(newer), { mode: 0o600 });
        }
        return nodeFileSystem.open(target, flags, mode);
      }) as FileSystem['open'],
    };
    await new FileCredentialStore({ path }).transact((tx) => tx.write(oauthToken(60_000), null));
    const store = new FileCredentialStore({ path, fs });
    const outcome = await store.transact(async (tx) => ({
      write: await tx.write(oauthToken(60_000), await tx.currentRevision()),
      leaseLeft: tx.leaseRemainingMs() > 0,
    }));
    expect(rewritten).toBe(true);
    expect(outcome).toEqual({ write: { written: false }, leaseLeft: true });
    expect((await store.read())?.token.accessToken).toBe(newer.accessToken);
  });

  it('fences the rename against a lease lost while the new file is written, even when the record did not change', async () => {
    const path = join(await tempDir(), 'tokens.json');
    const other = new FileCredentialStore({ path });
    let stalled: FileCredentialStore | undefined;
    let takenOver = false;
    const fs: FileSystem = {
      ...nodeFileSystem,
      open: (async (target: string, flags?: number, mode?: number) => {
        if (!takenOver && target.endsWith('.tmp')) {
          // We stall right after deciding to write; another process takes the lock and writes nothing.
          takenOver = true;
          await staleLock(stalled as FileCredentialStore);
          await other.transact(async () => undefined);
        }
        return nodeFileSystem.open(target, flags, mode);
      }) as FileSystem['open'],
    };
    stalled = new FileCredentialStore({ path, fs, lock: { staleMs: 60_000 } });
    const first = oauthToken(60_000);
    await other.transact((tx) => tx.write(first, null));
    const before = await other.read();
    const outcome = await stalled.transact(async (tx) =>
      tx.write(oauthToken(60_000), await tx.currentRevision()),
    );
    expect(takenOver).toBe(true);
    expect(outcome).toEqual({ written: false });
    expect(await other.read()).toEqual(before);
  });

  it('never takes over a live lease: a waiter times out while the holder renews it', async () => {
    const path = join(await tempDir(), 'tokens.json');
    const holder = new FileCredentialStore({ path, lock: { staleMs: 2_000 } });
    const waiter = new FileCredentialStore({ path });
    const inside = gate();
    const release = gate();
    const held = holder.transact(async () => {
      inside.open();
      await release.opened;
    });
    await inside.opened;
    const takeovers: number[] = [];
    // Waits past two 2 s leases: only the holder's renewals (every 0.5 s) keep it, and they must.
    await expect(
      waiter.transact(async () => 'entered', {
        waitMs: 4_500,
        onTakeover: () => takeovers.push(1),
      }),
    ).rejects.toMatchObject({ code: 'STORAGE_LOCK_TIMEOUT' });
    expect(takeovers).toEqual([]);
    release.open();
    await held;
  });

  it('stores a random revision id in the record, and reads files written before revisions existed', async () => {
    const path = join(await tempDir(), 'tokens.json');
    const legacy = oauthToken(60_000);
    await writeFile(path, serializeTokenFile(legacy), { mode: 0o600 });
    const store = new FileCredentialStore({ path });
    const stored = await store.read();
    expect(stored?.token.accessToken).toBe(legacy.accessToken);
    const next = oauthToken(60_000);
    const outcome = await store.transact((tx) => tx.write(next, stored?.revision ?? null));
    expect(outcome.written).toBe(true);
    const record = JSON.parse(await readFile(path, 'utf8')) as { revision?: string };
    expect(record.revision).toMatch(/^[0-9a-f-]{36}$/);
    expect(outcome.written && outcome.revision?.startsWith(record.revision as string)).toBe(true);
  });

  it('tells apart two contents carrying one revision id (an older release rewrote the file)', async () => {
    const path = join(await tempDir(), 'tokens.json');
    const store = new FileCredentialStore({ path });
    await store.transact((tx) => tx.write(oauthToken(60_000), null));
    const before = await store.read();
    const record = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    // An older claude-auth keeps fields it does not know: the id survives its rewrite.
    await writeFile(path, JSON.stringify({ ...record, accessToken: 'rewritten' }), { mode: 0o600 });
    const after = await store.read();
    expect(after?.revision).not.toBe(before?.revision);
    expect(
      await store.transact((tx) => tx.write(oauthToken(60_000), before?.revision ?? null)),
    ).toEqual({ written: false });
  });

  it('describes itself with its path and the reason it was chosen', () => {
    const store = new FileCredentialStore({ path: '/x/tokens.json', reason: 'chosen by test' });
    expect(store.describe()).toEqual({
      backend: 'file',
      location: '/x/tokens.json',
      reason: 'chosen by test',
    });
  });
});

/** A file-system layer that records and fails every call: what a store must not touch when it reads now. */
function unusableFileSystem(): { fs: FileSystem; calls: string[] } {
  const calls: string[] = [];
  const fs = new Proxy({} as FileSystem, {
    get: (_target, call) => () => {
      calls.push(String(call));
      throw Object.assign(new Error('not this layer'), { code: 'EIO' });
    },
  });
  return { fs, calls };
}

/** What a read came to: the stored credential, or its error's code and message. */
function settled(read: () => unknown): Promise<unknown> {
  return Promise.resolve()
    .then(read)
    .then(
      (value) => ({ value }),
      (error: { code?: string; message?: string }) => ({
        code: error.code,
        message: error.message,
      }),
    );
}

describe('FileCredentialStore.readNow', () => {
  it('gives what read gives after a real write: the token fields and the revision', async () => {
    const path = join(await tempDir(), 'tokens.json');
    const store = new FileCredentialStore({ path });
    const token = oauthToken(3_600_000);
    const outcome = await store.transact((tx) => tx.write(token, null));
    const now = store.readNow();
    expect(now).toEqual(await store.read());
    expect(now?.token.toInit()).toEqual(token.toInit());
    expect(outcome).toEqual({ written: true, revision: now?.revision });
  });

  it('gives what read gives for a file written before revisions existed', async () => {
    const path = join(await tempDir(), 'tokens.json');
    const legacy = oauthToken(60_000);
    await writeFile(path, serializeTokenFile(legacy), { mode: 0o600 });
    const store = new FileCredentialStore({ path });
    const now = store.readNow();
    expect(now).toEqual(await store.read());
    expect(now?.token.accessToken).toBe(legacy.accessToken);
    expect(now?.revision).toMatch(/^unversioned\./);
  });

  it('is null when there is no file, as read is', async () => {
    const store = new FileCredentialStore({ path: join(await tempDir(), 'tokens.json') });
    expect(store.readNow()).toBeNull();
    expect(await store.read()).toBeNull();
  });

  it('refuses a corrupt record with the same STORAGE_CORRUPT error as read', async () => {
    const path = join(await tempDir(), 'tokens.json');
    await writeFile(path, '{"version":1,"kind":"oauth",', { mode: 0o600 });
    const store = new FileCredentialStore({ path });
    const now = await settled(() => store.readNow());
    expect(now).toEqual(await settled(() => store.read()));
    expect(now).toMatchObject({ code: 'STORAGE_CORRUPT', message: expect.stringContaining(path) });
    expect(await readFile(path, 'utf8')).toBe('{"version":1,"kind":"oauth",');
  });

  it.runIf(process.platform !== 'win32')(
    "judges modes by the store's platform, as read does",
    async () => {
      const path = join(await tempDir(), 'tokens.json');
      await writeFile(path, serializeTokenFile(oauthToken(60_000)), { mode: 0o644 });
      await chmod(path, 0o644);
      const posix = new FileCredentialStore({ path, platform: 'linux' });
      const now = await settled(() => posix.readNow());
      expect(now).toEqual(await settled(() => posix.read()));
      expect(now).toMatchObject({ code: 'STORAGE_INSECURE' });
      const windows = new FileCredentialStore({ path, platform: 'win32' });
      expect(windows.readNow()).toEqual(await windows.read());
      expect(windows.readNow()).not.toBeNull();
    },
  );

  it("answers synchronously on Node's own file system, never the store's asynchronous layer", async () => {
    const path = join(await tempDir(), 'tokens.json');
    const token = oauthToken(3_600_000);
    await new FileCredentialStore({ path }).transact((tx) => tx.write(token, null));
    const layer = unusableFileSystem();
    const store = new FileCredentialStore({ path, fs: layer.fs });
    // The layer is real to read: it is called and fails it.
    await expect(store.read()).rejects.toMatchObject({ code: 'STORAGE_IO' });
    expect(layer.calls).not.toEqual([]);
    layer.calls.length = 0;
    // Not a promise: no file call was queued on libuv's thread pool.
    const now: unknown = store.readNow();
    expect(now).not.toBeInstanceOf(Promise);
    expect((now as { token: { accessToken: string } }).token.accessToken).toBe(token.accessToken);
    expect(layer.calls).toEqual([]);
  });
});
