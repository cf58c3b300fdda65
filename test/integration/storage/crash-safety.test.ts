import { readdir, readFile, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import { ORPHANED_TEMPORARY_AGE_MS } from '../../../src/store/file/secure-file.js';
import { childScript, kill, startNode, waitForLine } from '../../helpers/child-process.js';
import { tempDir } from '../../helpers/temp-dir.js';

const KILLS = 200;

describe('token file crash safety', () => {
  it(`always holds one whole token after ${KILLS} SIGKILLs at random points of a write`, async () => {
    const dir = await tempDir();
    const storage = new TokenStorage(join(dir, 'tokens.json'));
    const seen = new Set<string>();
    for (let i = 0; i < KILLS; i++) {
      const child = startNode(childScript('write-loop.mjs'), [storage.path]);
      await waitForLine(child, (line) => line === 'ready');
      // The delay picks the kill moment; it synchronises nothing.
      await delay(Math.random() * 12);
      await kill(child);
      // A killed holder's lease outlives it (10 s): clear it, as a takeover would after that long.
      await rm(`${storage.path}.lock`, { recursive: true, force: true });
      const token = await storage.loadToken();
      const access = /^access-(\d+)-(\d+)$/.exec(token?.accessToken ?? '');
      expect(access, await readFile(storage.path, 'utf8')).not.toBeNull();
      expect(token?.refreshToken).toBe(`refresh-${access?.[1]}-${access?.[2]}`);
      expect((await stat(storage.path)).mode & 0o777).toBe(0o600);
      seen.add(token?.accessToken ?? '');
    }
    // The kills landed at different points, not always after the first write.
    expect(seen.size).toBeGreaterThan(KILLS / 2);
    // Once old enough to be judged orphans, the next write clears the temporary files left.
    const longAgo = new Date(Date.now() - ORPHANED_TEMPORARY_AGE_MS - 60_000);
    for (const name of await readdir(dir)) {
      if (name.endsWith('.tmp')) await utimes(join(dir, name), longAgo, longAgo);
    }
    const survivor = await storage.loadToken();
    await storage.saveToken(survivor as NonNullable<typeof survivor>);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  }, 180_000);
});
