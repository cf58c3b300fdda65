import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AuthErrorCode, AuthenticationError } from '../../errors/authentication-error.js';

/** The environment variables that hold a shared store's record keys. */
export interface StoreKeyEnv {
  /** One key or several separated by commas or newlines, each 32 bytes as base64 or hex; the first encrypts. */
  readonly CLAUDE_AUTH_STORE_KEY?: string | undefined;
  /** A file holding the same, one key per line. */
  readonly CLAUDE_AUTH_STORE_KEY_FILE?: string | undefined;
}

/** A sealed record: which key sealed it, and nonce ‖ ciphertext ‖ tag in base64. */
export interface SealedRecord {
  readonly keyId: string;
  readonly sealed: string;
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_FIX =
  'set CLAUDE_AUTH_STORE_KEY_FILE to a private file holding 32 random bytes, the same on every machine: `openssl rand -base64 32 > ~/.claude_code/store.key && chmod 600 ~/.claude_code/store.key`';

function decodeKey(text: string): Buffer | undefined {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const bytes = Buffer.from(
      value,
      value.includes('-') || value.includes('_') ? 'base64url' : 'base64',
    );
    return bytes.length === 32 ? bytes : undefined;
  }
  return undefined;
}

/**
 * The key id stored beside each record: the first 8 bytes of SHA-256 over the
 * key, in hex. It names a key without revealing it, so a reader knows which of
 * its keys opens a record, and a record sealed with another key fails clearly.
 */
function keyIdOf(key: Buffer): string {
  return createHash('sha256')
    .update('claude-auth store key id\0')
    .update(key)
    .digest('hex')
    .slice(0, 16);
}

/**
 * AES-256-GCM for records in a shared store, which its operators can read.
 * Several keys allow rotation: the first seals, every one opens the records
 * it sealed (a record is re-sealed with the first at its next write).
 */
export class RecordCipher {
  readonly #keys: ReadonlyMap<string, Buffer>;
  /** The id of the key new records are sealed with. */
  readonly currentKeyId: string;

  /**
   * @param keys - 32-byte keys; the first seals.
   * @throws {@link AuthenticationError} `CONFIG_INVALID` for no key or a key that is not 32 bytes.
   */
  constructor(keys: readonly Buffer[]) {
    const first = keys[0];
    if (first === undefined)
      throw new AuthenticationError(AuthErrorCode.CONFIG_INVALID, 'No store key is configured.', {
        fix: KEY_FIX,
      });
    for (const key of keys)
      if (key.length !== 32)
        throw new AuthenticationError(
          AuthErrorCode.CONFIG_INVALID,
          'A store key is not 32 bytes.',
          {
            fix: KEY_FIX,
          },
        );
    this.#keys = new Map(keys.map((key) => [keyIdOf(key), key]));
    this.currentKeyId = keyIdOf(first);
  }

  /**
   * The keys from `CLAUDE_AUTH_STORE_KEY` or, when that is unset, `CLAUDE_AUTH_STORE_KEY_FILE`.
   *
   * @throws {@link AuthenticationError} `CONFIG_INVALID` (missing, unreadable or malformed key),
   *   with the command that makes one.
   */
  static fromEnv(env: StoreKeyEnv): RecordCipher {
    let text = env.CLAUDE_AUTH_STORE_KEY;
    let source = 'CLAUDE_AUTH_STORE_KEY';
    if ((text === undefined || text === '') && env.CLAUDE_AUTH_STORE_KEY_FILE) {
      source = `CLAUDE_AUTH_STORE_KEY_FILE (${env.CLAUDE_AUTH_STORE_KEY_FILE})`;
      try {
        text = readFileSync(env.CLAUDE_AUTH_STORE_KEY_FILE, 'utf8');
      } catch (error) {
        throw new AuthenticationError(
          AuthErrorCode.CONFIG_INVALID,
          `The store key file ${env.CLAUDE_AUTH_STORE_KEY_FILE} could not be read.`,
          { fix: KEY_FIX, cause: error },
        );
      }
    }
    if (text === undefined || text.trim() === '')
      throw new AuthenticationError(
        AuthErrorCode.CONFIG_INVALID,
        'A Redis store encrypts its records, and no key is configured.',
        { fix: KEY_FIX },
      );
    const parts = text.split(/[\s,]+/).filter((part) => part !== '');
    const keys = parts.map(decodeKey);
    if (keys.some((key) => key === undefined))
      throw new AuthenticationError(
        AuthErrorCode.CONFIG_INVALID,
        `${source} must hold 32-byte keys in base64 (44 characters) or hex (64), one per line.`,
        { fix: KEY_FIX },
      );
    return new RecordCipher(keys as Buffer[]);
  }

  /** Whether this cipher holds the key with id `keyId`. */
  hasKey(keyId: string): boolean {
    return this.#keys.has(keyId);
  }

  /**
   * Seals `plaintext` with the current key.
   *
   * @param plaintext - The record.
   * @param context - Bound into the tag (the record's key name and version): a
   *   sealed record moved to another key or version no longer opens.
   */
  seal(plaintext: string, context: string): SealedRecord {
    const key = this.#keys.get(this.currentKeyId) as Buffer;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(aad(this.currentKeyId, context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      keyId: this.currentKeyId,
      sealed: Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64'),
    };
  }

  /**
   * Opens a sealed record.
   *
   * @param record - What {@link RecordCipher.seal} returned, as stored.
   * @param context - The same context it was sealed with.
   * @param where - The record's address, for messages.
   * @throws {@link AuthenticationError} `STORE_KEY_MISMATCH` when none of our keys sealed it;
   *   `STORAGE_CORRUPT` when the tag does not verify (altered, or moved to another key or version).
   */
  open(record: SealedRecord, context: string, where: string): string {
    const key = this.#keys.get(record.keyId);
    if (key === undefined)
      throw new AuthenticationError(
        AuthErrorCode.STORE_KEY_MISMATCH,
        `The credential at ${where} is encrypted with key ${record.keyId.slice(0, 40)}, and this process has ${[...this.#keys.keys()].join(', ')}. Nothing was changed.`,
        {
          fix: 'use the same CLAUDE_AUTH_STORE_KEY (or _FILE) as the machine that logged in; to rotate, list the new key first and the old one after it',
        },
      );
    const bytes = Buffer.from(record.sealed, 'base64');
    try {
      if (bytes.length < NONCE_BYTES + TAG_BYTES) throw new Error('too short');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, NONCE_BYTES));
      decipher.setAAD(aad(record.keyId, context));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      return Buffer.concat([
        decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch (error) {
      throw new AuthenticationError(
        AuthErrorCode.STORAGE_CORRUPT,
        `The credential at ${where} does not decrypt: it was altered or copied from another key. It has been left untouched.`,
        {
          fix: 'run `claude-auth login` to replace it (the unreadable record is kept aside)',
          cause: error,
        },
      );
    }
  }
}

function aad(keyId: string, context: string): Buffer {
  return Buffer.from(`claude-auth record v1\0${keyId}\0${context}`, 'utf8');
}
