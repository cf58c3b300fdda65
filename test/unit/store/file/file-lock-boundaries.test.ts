import { mkdir, readFile, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuthErrorCode } from '../../../../src/errors/authentication-error.js';
import { withFileLock } from '../../../../src/store/file/file-lock.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const OWNER_FILE = 'owner.json';
const LEASE_MS = 60_000;

/** Puts another holder's lock at `lockPath`, last renewed `ageMs` ago. */
async function plantLock(lockPath: string, ageMs: number, id = 'another-holder') {
  await mkdir(lockPath, { mode: 0o700 });
  await writeFile(
    join(lockPath, OWNER_FILE),
    JSON.stringify({ id, pid: process.pid + 1, host: 'elsewhere', leaseMs: LEASE_MS }),
  );
  const touched = new Date(Date.now() - ageMs);
  await utimes(lockPath, touched, touched);
}

const ownerId = async (lockPath: string) =>
  (JSON.parse(await readFile(join(lockPath, OWNER_FILE), 'utf8')) as { id: string }).id;

describe('the file lease: released only by its owner, taken over only once it lapsed', () => {
  it('a holder whose lock was taken over leaves its successor’s lock in place on release', async () => {
    const key = join(await tempDir(), 'tokens.json');
    const lockPath = `${key}.lock`;
    await withFileLock(key, async () => {
      // While we stalled, another process judged our lock dead and took it: never confirmed here.
      await rename(lockPath, `${lockPath}.judged`);
      await rm(`${lockPath}.judged`, { recursive: true });
      await plantLock(lockPath, 0, 'successor');
    });
    expect(await ownerId(lockPath)).toBe('successor');
  });

  it('a holder releases its own lock: the next one takes it at once, with no takeover', async () => {
    const key = join(await tempDir(), 'tokens.json');
    await withFileLock(key, async () => undefined);
    let takeovers = 0;
    const value = await withFileLock(key, async () => 'second', {
      waitMs: 0,
      onTakeover: () => {
        takeovers += 1;
      },
    });
    expect({ value, takeovers }).toEqual({ value: 'second', takeovers: 0 });
  });

  it('waits for a lock renewed within its holder’s lease, and never takes it over', async () => {
    const key = join(await tempDir(), 'tokens.json');
    const lockPath = `${key}.lock`;
    await plantLock(lockPath, LEASE_MS - 10_000);
    let entered = false;
    let takeovers = 0;
    const error = await withFileLock(
      key,
      async () => {
        entered = true;
      },
      {
        waitMs: 50,
        onTakeover: () => {
          takeovers += 1;
        },
      },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: AuthErrorCode.STORAGE_LOCK_TIMEOUT });
    expect({ entered, takeovers }).toEqual({ entered: false, takeovers: 0 });
    expect(await ownerId(lockPath)).toBe('another-holder');
  });

  it('takes over a lock not renewed for longer than its holder’s lease, exactly once', async () => {
    const key = join(await tempDir(), 'tokens.json');
    await plantLock(`${key}.lock`, LEASE_MS + 10_000);
    let takeovers = 0;
    const value = await withFileLock(key, async () => 'ours', {
      waitMs: 50,
      onTakeover: () => {
        takeovers += 1;
      },
    });
    expect({ value, takeovers }).toEqual({ value: 'ours', takeovers: 1 });
  });
});
