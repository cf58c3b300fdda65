import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuthErrorCode } from '../../../../src/errors/authentication-error.js';
import { RecordCipher } from '../../../../src/store/redis/record-cipher.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const plaintext = JSON.stringify({ accessToken: 'access-secret-value' });

describe('RecordCipher (AES-256-GCM)', () => {
  it('seals without the plaintext, opens with the same context, and never reuses a nonce', () => {
    const cipher = new RecordCipher([randomBytes(32)]);
    const a = cipher.seal(plaintext, 'key\x001');
    const b = cipher.seal(plaintext, 'key\x001');
    expect(a.sealed).not.toBe(b.sealed);
    expect(Buffer.from(a.sealed, 'base64').toString('latin1')).not.toContain('access-secret');
    expect(cipher.open(a, 'key\x001', 'here')).toBe(plaintext);
  });

  it('a record under another context (key name or version) or altered fails as STORAGE_CORRUPT', () => {
    const cipher = new RecordCipher([randomBytes(32)]);
    const sealed = cipher.seal(plaintext, 'key\x001');
    expect(() => cipher.open(sealed, 'key\x002', 'here')).toThrow(
      expect.objectContaining({ code: AuthErrorCode.STORAGE_CORRUPT }),
    );
    const bytes = Buffer.from(sealed.sealed, 'base64');
    bytes[20] = (bytes[20] as number) ^ 1;
    expect(() =>
      cipher.open({ ...sealed, sealed: bytes.toString('base64') }, 'key\x001', 'here'),
    ).toThrow(expect.objectContaining({ code: AuthErrorCode.STORAGE_CORRUPT }));
  });

  it('another key: STORE_KEY_MISMATCH naming both key ids, never a key', () => {
    const ours = randomBytes(32);
    const sealed = new RecordCipher([randomBytes(32)]).seal(plaintext, 'c');
    const reader = new RecordCipher([ours]);
    try {
      reader.open(sealed, 'c', 'redis://h:6379/0 key k');
      expect.unreachable();
    } catch (error) {
      const { code, message } = error as { code: string; message: string };
      expect(code).toBe(AuthErrorCode.STORE_KEY_MISMATCH);
      expect(message).toContain(sealed.keyId);
      expect(message).toContain(reader.currentKeyId);
      expect(message).not.toContain(ours.toString('base64'));
    }
  });

  it('reads keys from CLAUDE_AUTH_STORE_KEY (base64 or hex; several for rotation) or the key file', async () => {
    const first = randomBytes(32);
    const second = randomBytes(32);
    const both = RecordCipher.fromEnv({
      CLAUDE_AUTH_STORE_KEY: `${first.toString('base64')},${second.toString('hex')}`,
    });
    const sealedWithSecond = new RecordCipher([second]).seal(plaintext, 'c');
    expect(both.open(sealedWithSecond, 'c', 'here')).toBe(plaintext);
    expect(both.currentKeyId).toBe(new RecordCipher([first]).currentKeyId);
    const file = join(await tempDir(), 'store.key');
    await writeFile(file, `${first.toString('base64url')}\n`, { mode: 0o600 });
    expect(RecordCipher.fromEnv({ CLAUDE_AUTH_STORE_KEY_FILE: file }).currentKeyId).toBe(
      both.currentKeyId,
    );
  });

  it.each([
    [{}, /no key is configured/],
    [{ CLAUDE_AUTH_STORE_KEY: 'too-short' }, /32-byte keys/],
    [{ CLAUDE_AUTH_STORE_KEY: randomBytes(16).toString('hex') }, /32-byte keys/],
    [{ CLAUDE_AUTH_STORE_KEY_FILE: '/nonexistent/claude-auth.key' }, /could not be read/],
  ])('refuses %j with CONFIG_INVALID and the command that makes a key', (env, message) => {
    expect(() => RecordCipher.fromEnv(env)).toThrow(message);
    expect(() => RecordCipher.fromEnv(env)).toThrow(/openssl rand -base64 32/);
  });
});
