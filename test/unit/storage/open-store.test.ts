import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { openStore } from '../../../src/storage/open-store.js';
import { FileCredentialStore } from '../../../src/store/file/file-credential-store.js';
import { RedisCredentialStore } from '../../../src/store/redis/redis-credential-store.js';

const dir = '/x/profiles';
/** A well-formed record key (32 bytes, base64). */
const STORE_KEY = Buffer.alloc(32, 7).toString('base64');

describe('openStore', () => {
  it('opens the profile file by default, and says so', () => {
    const store = openStore({ env: { CLAUDE_AUTH_DIR: dir }, profile: 'work' });
    expect(store).toBeInstanceOf(FileCredentialStore);
    expect(store.describe()).toEqual({
      backend: 'file',
      location: join(dir, 'work.json'),
      reason: 'the default backend',
    });
    expect(store.profile).toBe('work');
  });

  it('names the variable or option that chose the file backend', () => {
    const env = { CLAUDE_AUTH_DIR: dir, CLAUDE_AUTH_STORE: 'file' };
    expect(openStore({ env }).describe().reason).toBe('chosen by CLAUDE_AUTH_STORE=file');
    expect(openStore({ env, store: 'file' }).describe().reason).toBe(
      'chosen by the store option=file',
    );
  });

  it.each(['Redis://127.0.0.1:6379/0', 'REDISS://cache.example'])(
    'takes %s, an upper-case scheme, as the Redis store it names',
    (url) => {
      const store = openStore({
        env: { CLAUDE_AUTH_DIR: dir, CLAUDE_AUTH_STORE: url, CLAUDE_AUTH_STORE_KEY: STORE_KEY },
      });
      expect(store).toBeInstanceOf(RedisCredentialStore);
      expect(store.describe().backend).toBe('redis');
    },
  );

  // Redis without a record key (CLAUDE_AUTH_STORE_KEY) cannot be opened; keychain and auto open.
  it.each([
    'redis://:hunter2@127.0.0.1:6379/0',
    'rediss://cache.example:6380',
    'mongodb://user:hunter2@db',
    'files',
  ])('refuses %s with CONFIG_INVALID, never echoing the value', (value) => {
    let error: unknown;
    try {
      openStore({ env: { CLAUDE_AUTH_DIR: dir, CLAUDE_AUTH_STORE: value } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: AuthErrorCode.CONFIG_INVALID });
    expect(String((error as Error).message)).not.toContain('hunter2');
    expect(JSON.stringify(error)).not.toContain('hunter2');
  });
});
