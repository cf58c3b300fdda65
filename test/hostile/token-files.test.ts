import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuthenticationError } from '../../src/errors/authentication-error.js';
import { TokenStorage } from '../../src/storage/token-storage.js';
import { serializeTokenFile } from '../../src/token/token-file-format.js';
import { tempDir } from '../helpers/temp-dir.js';
import { oauthToken } from '../helpers/tokens.js';

const ALLOWED = new Set(['STORAGE_CORRUPT', 'STORAGE_VERSION_UNSUPPORTED']);

/** Loads `bytes` as a token file: it must parse or fail with a storage code, and never change the file. */
async function loadHostile(dir: string, bytes: Uint8Array): Promise<void> {
  const storage = new TokenStorage(join(dir, 'tokens.json'));
  await writeFile(storage.path, bytes, { mode: 0o600 });
  try {
    await storage.loadToken();
  } catch (error) {
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(ALLOWED).toContain((error as AuthenticationError).code);
    expect((error as Error).message).toContain(storage.path);
  }
  expect(Buffer.compare(await readFile(storage.path), bytes)).toBe(0);
}

describe('hostile token files: a clear error, never a crash, never an overwrite', () => {
  it('random bytes', async () => {
    const dir = await tempDir();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), (bytes) => loadHostile(dir, bytes)),
      { numRuns: 200 },
    );
  });

  it('truncations of a valid file', async () => {
    const dir = await tempDir();
    const valid = new TextEncoder().encode(serializeTokenFile(oauthToken(60_000)));
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: valid.length - 1 }), (cut) =>
        loadHostile(dir, valid.slice(0, cut)),
      ),
      { numRuns: 100 },
    );
  });

  it('any JSON value, and valid files with fields of the wrong type', async () => {
    const dir = await tempDir();
    const valid = JSON.parse(serializeTokenFile(oauthToken(60_000)));
    const encode = (value: unknown) =>
      new TextEncoder().encode(JSON.stringify(value) ?? 'undefined');
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), (value) => loadHostile(dir, encode(value))),
      { numRuns: 150 },
    );
    const field = fc.constantFrom(...Object.keys(valid));
    await fc.assert(
      fc.asyncProperty(field, fc.jsonValue(), (key, value) =>
        loadHostile(dir, encode({ ...valid, [key]: value })),
      ),
      { numRuns: 200 },
    );
  });

  it('deep nesting and huge strings', async () => {
    const dir = await tempDir();
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    await loadHostile(dir, new TextEncoder().encode(deep));
    const valid = JSON.parse(serializeTokenFile(oauthToken(60_000)));
    await loadHostile(
      dir,
      new TextEncoder().encode(
        JSON.stringify({ ...valid, accessToken: 'x'.repeat(8 * 1024 * 1024) }),
      ),
    );
    await loadHostile(
      dir,
      new TextEncoder().encode(
        JSON.stringify({ ...valid, account: { email: 'y'.repeat(1_000_000) } }),
      ),
    );
  });

  it('a directory, a dangling link and a link loop in place of the file', async () => {
    const dir = await tempDir();
    const asDirectory = new TokenStorage(join(dir, 'dir.json'));
    await mkdir(asDirectory.path);
    await expect(asDirectory.loadToken()).rejects.toBeInstanceOf(AuthenticationError);
    await expect(asDirectory.saveToken(oauthToken(1))).rejects.toBeInstanceOf(AuthenticationError);
    const loop = new TokenStorage(join(dir, 'loop.json'));
    await symlink(loop.path, loop.path);
    await expect(loop.loadToken()).rejects.toBeInstanceOf(AuthenticationError);
    await expect(loop.saveToken(oauthToken(1))).rejects.toBeInstanceOf(AuthenticationError);
  });
});
