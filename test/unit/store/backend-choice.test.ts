import { describe, expect, it } from 'vitest';
import { chooseBackend } from '../../../src/store/backend-choice.js';

describe('chooseBackend: the one rule for which backend a store is', () => {
  it.each([
    [undefined, 'file', ''],
    ['', 'file', ''],
    ['file', 'file', 'file'],
    [' file ', 'file', 'file'],
    ['redis://127.0.0.1:6379/0', 'redis', 'redis://127.0.0.1:6379/0'],
    [' REDISS://cache.internal ', 'redis', 'REDISS://cache.internal'],
    ['keychain', 'keychain', 'keychain'],
    ['auto', 'auto', 'auto'],
    ['File', 'unknown', 'File'],
    ['redis:/x', 'unknown', 'redis:/x'],
    ['s3://bucket', 'unknown', 's3://bucket'],
  ])('CLAUDE_AUTH_STORE=%j is %s', (value, kind, given) => {
    const env = value === undefined ? {} : { CLAUDE_AUTH_STORE: value };
    expect(chooseBackend({ env })).toEqual({
      kind,
      given,
      from: 'CLAUDE_AUTH_STORE',
      fromOption: false,
    });
  });

  it('takes the store option over the environment, and names its source', () => {
    const env = { CLAUDE_AUTH_STORE: 'redis://elsewhere' };
    expect(chooseBackend({ store: 'keychain', storeSource: '--store', env })).toEqual({
      kind: 'keychain',
      given: 'keychain',
      from: '--store',
      fromOption: true,
    });
    expect(chooseBackend({ store: 'file', env }).from).toBe('the store option');
    // An empty option is still the option's choice: the default file, not the environment's Redis.
    expect(chooseBackend({ store: '', env })).toMatchObject({ kind: 'file', fromOption: true });
  });
});
