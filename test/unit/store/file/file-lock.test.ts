import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withFileLock } from '../../../../src/store/file/file-lock.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const OWNER_FILE = 'owner.json';

describe('withFileLock', () => {
  it('a lease whose owner record now names another holder does not confirm, and has no time left', async () => {
    const key = join(await tempDir(), 'tokens.json');
    const lockPath = `${key}.lock`;
    const seen = await withFileLock(key, async (lock) => {
      const held = await lock.confirm();
      // Another process took the lock over: its record replaces ours.
      const ours = JSON.parse(await readFile(join(lockPath, OWNER_FILE), 'utf8')) as object;
      await writeFile(
        join(lockPath, OWNER_FILE),
        JSON.stringify({ ...ours, id: 'another-holder', pid: process.pid + 1 }),
      );
      return { held, lost: await lock.confirm(), remaining: lock.remainingMs() };
    });
    expect(seen).toEqual({ held: true, lost: false, remaining: 0 });
  });

  it('a lease once lost stays lost, even when its own owner record comes back', async () => {
    const key = join(await tempDir(), 'tokens.json');
    const lockPath = `${key}.lock`;
    const aside = `${lockPath}.judged`;
    const seen = await withFileLock(key, async (lock) => {
      // Another process judged the lock dead and moved it aside; the path was free for anyone.
      await rename(lockPath, aside);
      const whileAway = await lock.confirm();
      // It put the lock back on finding it live, but a third writer may have held the path meanwhile.
      await rename(aside, lockPath);
      return { whileAway, afterReturn: await lock.confirm(), remaining: lock.remainingMs() };
    });
    expect(seen).toEqual({ whileAway: false, afterReturn: false, remaining: 0 });
  });
});
