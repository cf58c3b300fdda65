import { chmod, mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuthErrorCode } from '../../../../src/errors/authentication-error.js';
import {
  MAX_PRIVATE_FILE_BYTES,
  ORPHANED_TEMPORARY_AGE_MS,
  readPrivateFile,
  writePrivateFileAtomic,
} from '../../../../src/store/file/secure-file.js';
import { tempDir } from '../../../helpers/temp-dir.js';

// The exact edges of the file store's defences (SECURITY.md › Credentials at rest):
// each permission bit on its own, and the size limit to the byte. A check that
// looked at fewer bits, or one byte further, fails one of these rows.

/** A private file holding `text`, then given `mode`. */
async function fileWithMode(mode: string, text = '{"secret":"kept"}') {
  const dir = await tempDir();
  const path = join(dir, 'tokens.json');
  await writeFile(path, text, { mode: 0o600 });
  await chmod(path, Number.parseInt(mode, 8));
  return path;
}

describe('a token file is read only when no one but its owner may touch it', () => {
  // Each of the six group and other bits alone: read, write and execute alike.
  it.each(['0640', '0620', '0610', '0604', '0602', '0601'])(
    'refuses mode %s with the chmod fix, leaving the file as it was',
    async (mode) => {
      const path = await fileWithMode(mode);
      await expect(readPrivateFile(path)).rejects.toMatchObject({
        code: AuthErrorCode.STORAGE_INSECURE,
        fix: `chmod 600 ${path}`,
      });
      expect(await readFile(path, 'utf8')).toBe('{"secret":"kept"}');
    },
  );

  it.each(['0600', '0400', '0700'])('reads mode %s', async (mode) => {
    const path = await fileWithMode(mode);
    expect(await readPrivateFile(path)).toBe('{"secret":"kept"}');
  });
});

describe('a token file is written only into a directory no one else can write', () => {
  // Write permission on the directory lets its holder replace the file; reading it does not.
  it.each(['0720', '0702', '0730', '0703'])(
    'refuses a directory of mode %s, writing nothing and leaving the file as it was',
    async (mode) => {
      const dir = join(await tempDir(), 'store');
      await mkdir(dir, { mode: 0o700 });
      const path = join(dir, 'tokens.json');
      await writeFile(path, 'old', { mode: 0o600 });
      await chmod(dir, Number.parseInt(mode, 8));
      await expect(writePrivateFileAtomic(path, 'new')).rejects.toMatchObject({
        code: AuthErrorCode.STORAGE_INSECURE,
        fix: `chmod 700 ${dir}`,
      });
      await chmod(dir, 0o700);
      expect(await readFile(path, 'utf8')).toBe('old');
      expect(await readdir(dir)).toEqual(['tokens.json']);
    },
  );

  it.each(['0700', '0750', '0705'])('writes into a directory of mode %s', async (mode) => {
    const dir = join(await tempDir(), 'store');
    await mkdir(dir, { mode: 0o700 });
    await chmod(dir, Number.parseInt(mode, 8));
    await writePrivateFileAtomic(join(dir, 'tokens.json'), 'new');
    expect(await readFile(join(dir, 'tokens.json'), 'utf8')).toBe('new');
  });
});

describe('temporary files a killed writer left are removed once 10 minutes old', () => {
  it('removes one older than the age and keeps one younger, whoever wrote them', async () => {
    const dir = await tempDir();
    const name = (n: number) => `.tokens.json.999999999.${n}.abc.tmp`;
    const ages = [ORPHANED_TEMPORARY_AGE_MS + 60_000, ORPHANED_TEMPORARY_AGE_MS - 60_000];
    for (const [index, ageMs] of ages.entries()) {
      await writeFile(join(dir, name(index)), 'partial', { mode: 0o600 });
      const then = new Date(Date.now() - ageMs);
      await utimes(join(dir, name(index)), then, then);
    }
    await writePrivateFileAtomic(join(dir, 'tokens.json'), 'new');
    expect((await readdir(dir)).sort()).toEqual([name(1), 'tokens.json'].sort());
  });
});

describe('a token file is read only up to the size limit', () => {
  it('reads a file of exactly the limit', async () => {
    const text = 'x'.repeat(MAX_PRIVATE_FILE_BYTES);
    const path = await fileWithMode('0600', text);
    expect((await readPrivateFile(path))?.length).toBe(MAX_PRIVATE_FILE_BYTES);
  });

  it('refuses a file one byte over the limit, unread and left as it was', async () => {
    const text = 'x'.repeat(MAX_PRIVATE_FILE_BYTES + 1);
    const path = await fileWithMode('0600', text);
    await expect(readPrivateFile(path)).rejects.toMatchObject({
      code: AuthErrorCode.STORAGE_CORRUPT,
    });
    expect((await readFile(path, 'utf8')).length).toBe(MAX_PRIVATE_FILE_BYTES + 1);
  });
});
