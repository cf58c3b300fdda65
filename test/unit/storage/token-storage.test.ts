import {
  chmod,
  chown,
  lstat,
  mkdir,
  readdir,
  readFile,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import { ORPHANED_TEMPORARY_AGE_MS } from '../../../src/store/file/secure-file.js';
import { serializeTokenFile } from '../../../src/token/token-file-format.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { oauthToken } from '../../helpers/tokens.js';

const mode = async (path: string) => (await stat(path)).mode & 0o777;

async function freshStorage(): Promise<{ dir: string; storage: TokenStorage }> {
  const dir = join(await tempDir(), 'store');
  return { dir, storage: new TokenStorage(join(dir, 'tokens.json')) };
}

describe('TokenStorage', () => {
  it('reports "not logged in" as null for a missing file', async () => {
    const { storage } = await freshStorage();
    expect(await storage.loadToken()).toBeNull();
    expect(await storage.deleteToken()).toBe(false);
  });

  it('saves a token readable by load, with a 0700 directory and a 0600 file after every write', async () => {
    const { dir, storage } = await freshStorage();
    for (let i = 0; i < 3; i++) {
      const token = oauthToken(60_000 * (i + 1));
      await storage.saveToken(token);
      expect(await mode(dir)).toBe(0o700);
      expect(await mode(storage.path)).toBe(0o600);
      expect((await storage.loadToken())?.accessToken).toBe(token.accessToken);
    }
    expect((await readdir(dir)).filter((name) => name.includes('.tmp'))).toEqual([]);
  });

  it('removes temporary files a killed writer left, judged by age not pid, and only those', async () => {
    const { dir, storage } = await freshStorage();
    await storage.saveToken(oauthToken(60_000));
    // A pid alive here proves nothing: a writer in a container sharing this home has other pids.
    const old = join(dir, `.tokens.json.${process.pid}.1.abc.tmp`);
    const recent = join(dir, '.tokens.json.999999999.1.abc.tmp');
    const unrelated = join(dir, '.other.json.999999999.1.abc.tmp');
    for (const path of [old, recent, unrelated]) await writeFile(path, 'partial', { mode: 0o600 });
    const longAgo = new Date(Date.now() - ORPHANED_TEMPORARY_AGE_MS - 60_000);
    for (const path of [old, unrelated]) await utimes(path, longAgo, longAgo);
    await storage.saveToken(oauthToken(120_000));
    const names = await readdir(dir);
    expect(names).not.toContain(`.tokens.json.${process.pid}.1.abc.tmp`);
    expect(names).toContain('.tokens.json.999999999.1.abc.tmp');
    expect(names).toContain('.other.json.999999999.1.abc.tmp');
  });

  it('creates the file 0600 even under a permissive umask', async () => {
    const { storage } = await freshStorage();
    const previous = process.umask(0);
    try {
      await storage.saveToken(oauthToken(60_000));
    } finally {
      process.umask(previous);
    }
    expect(await mode(storage.path)).toBe(0o600);
  });

  it('refuses a group- or world-readable file with the chmod fix, leaving it intact', async () => {
    const { storage } = await freshStorage();
    await storage.saveToken(oauthToken(60_000));
    await chmod(storage.path, 0o644);
    const before = await readFile(storage.path, 'utf8');
    await expect(storage.loadToken()).rejects.toMatchObject({
      code: AuthErrorCode.STORAGE_INSECURE,
      fix: `chmod 600 ${storage.path}`,
    });
    expect(await readFile(storage.path, 'utf8')).toBe(before);
  });

  it('refuses to write into a directory other users can write', async () => {
    const { dir, storage } = await freshStorage();
    await mkdir(dir, { mode: 0o700 });
    await chmod(dir, 0o777);
    await expect(storage.saveToken(oauthToken(60_000))).rejects.toMatchObject({
      code: AuthErrorCode.STORAGE_INSECURE,
    });
  });

  it('follows a symlink into its own private file, and writes through it keeping the link', async () => {
    const { dir, storage } = await freshStorage();
    const real = new TokenStorage(join(dir, 'real.json'));
    await real.saveToken(oauthToken(60_000));
    await symlink(real.path, storage.path);
    const token = oauthToken(120_000);
    await storage.saveToken(token);
    expect((await lstat(storage.path)).isSymbolicLink()).toBe(true);
    expect((await real.loadToken())?.accessToken).toBe(token.accessToken);
  });

  it('refuses a symlink whose target is world-readable, checking the real file', async () => {
    const { dir, storage } = await freshStorage();
    await mkdir(dir, { mode: 0o700 });
    const target = join(dir, 'elsewhere.json');
    await writeFile(target, serializeTokenFile(oauthToken(60_000)), { mode: 0o644 });
    await symlink(target, storage.path);
    await expect(storage.loadToken()).rejects.toMatchObject({
      code: AuthErrorCode.STORAGE_INSECURE,
      fix: `chmod 600 ${target}`,
    });
  });

  it.runIf(process.getuid?.() === 0)(
    'refuses a file, or a symlink into a file, that belongs to another user',
    async () => {
      const { dir, storage } = await freshStorage();
      await storage.saveToken(oauthToken(60_000));
      const foreign = join(dir, 'foreign.json');
      await writeFile(foreign, serializeTokenFile(oauthToken(60_000)), { mode: 0o600 });
      await chown(foreign, 65534, 65534);
      const viaLink = new TokenStorage(join(dir, 'link.json'));
      await symlink(foreign, viaLink.path);
      await expect(viaLink.loadToken()).rejects.toMatchObject({
        code: AuthErrorCode.STORAGE_INSECURE,
      });
      await expect(viaLink.saveToken(oauthToken(1))).rejects.toMatchObject({
        code: AuthErrorCode.STORAGE_INSECURE,
      });
      await expect(new TokenStorage(foreign).loadToken()).rejects.toMatchObject({
        code: AuthErrorCode.STORAGE_INSECURE,
      });
    },
  );

  it('refuses a dangling symlink instead of creating its target', async () => {
    const { dir, storage } = await freshStorage();
    await mkdir(dir, { mode: 0o700 });
    await symlink(join(dir, 'missing.json'), storage.path);
    await expect(storage.loadToken()).rejects.toMatchObject({
      code: AuthErrorCode.STORAGE_INSECURE,
    });
    await expect(storage.saveToken(oauthToken(1))).rejects.toMatchObject({
      code: AuthErrorCode.STORAGE_INSECURE,
    });
  });

  it('reports a directory in place of the file and never replaces it', async () => {
    const { storage } = await freshStorage();
    await mkdir(storage.path, { recursive: true, mode: 0o700 });
    await expect(storage.loadToken()).rejects.toMatchObject({
      code: AuthErrorCode.STORAGE_CORRUPT,
    });
    await expect(storage.saveToken(oauthToken(1))).rejects.toMatchObject({
      code: AuthErrorCode.STORAGE_IO,
    });
    expect((await stat(storage.path)).isDirectory()).toBe(true);
  });

  it('keeps a .corrupt-<time> copy of an unreadable file before a new login replaces it', async () => {
    const { dir, storage } = await freshStorage();
    await mkdir(dir, { mode: 0o700 });
    await writeFile(storage.path, '{"version": 1, "kind": "oa', { mode: 0o600 });
    await expect(storage.loadToken()).rejects.toMatchObject({
      code: AuthErrorCode.STORAGE_CORRUPT,
    });
    expect(await readFile(storage.path, 'utf8')).toBe('{"version": 1, "kind": "oa');
    const token = oauthToken(60_000);
    await storage.saveToken(token);
    const copies = (await readdir(dir)).filter((name) => name.startsWith('tokens.json.corrupt-'));
    expect(copies).toHaveLength(1);
    expect(await readFile(join(dir, copies[0] as string), 'utf8')).toBe(
      '{"version": 1, "kind": "oa',
    );
    expect(await mode(join(dir, copies[0] as string))).toBe(0o600);
    expect((await storage.loadToken())?.accessToken).toBe(token.accessToken);
  });

  it('deletes the stored token', async () => {
    const { storage } = await freshStorage();
    await storage.saveToken(oauthToken(60_000));
    expect(await storage.deleteToken()).toBe(true);
    expect(await storage.loadToken()).toBeNull();
    expect(await storage.deleteToken()).toBe(false);
  });

  it('deletes through a symlink the credential itself, then the link', async () => {
    const { dir, storage } = await freshStorage();
    const real = new TokenStorage(join(dir, 'real.json'));
    await real.saveToken(oauthToken(60_000));
    await symlink(real.path, storage.path);
    expect(await storage.deleteToken()).toBe(true);
    expect(await readdir(dir)).not.toContain('real.json');
    expect(await readdir(dir)).not.toContain('tokens.json');
  });

  it('resolves named profiles beside the default file', () => {
    const dir = '/x/store';
    const env = { CLAUDE_AUTH_DIR: dir };
    expect(TokenStorage.forProfile({ env }).path).toBe(join(dir, 'tokens.json'));
    expect(TokenStorage.forProfile({ env, profile: 'work' })).toMatchObject({
      path: join(dir, 'work.json'),
      profile: 'work',
    });
    expect(TokenStorage.forProfile({ env: { ...env, CLAUDE_AUTH_PROFILE: 'personal' } }).path).toBe(
      join(dir, 'personal.json'),
    );
  });
});
