import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileCacheDirectory } from '../../../src/cli/compile-cache.js';

describe('compileCacheDirectory', () => {
  it('is under $XDG_CACHE_HOME when set', () => {
    expect(compileCacheDirectory({ XDG_CACHE_HOME: '/x/cache' })).toBe(
      join('/x/cache', 'claude-auth', 'compile-cache'),
    );
  });

  it('is under $HOME/.cache otherwise (an empty XDG_CACHE_HOME counts as unset), never the shared temporary directory', () => {
    const expected = join('/home/u', '.cache', 'claude-auth', 'compile-cache');
    expect(compileCacheDirectory({ HOME: '/home/u' })).toBe(expected);
    expect(compileCacheDirectory({ HOME: '/home/u', XDG_CACHE_HOME: '' })).toBe(expected);
  });

  it('without $HOME or an absolute XDG_CACHE_HOME there is no cache (the bin loads no node:os for it)', () => {
    expect(compileCacheDirectory({})).toBeUndefined();
  });

  it('never uses a relative base, which would be the current directory: a relative XDG_CACHE_HOME is ignored, and an empty HOME gives no cache', () => {
    expect(compileCacheDirectory({ XDG_CACHE_HOME: 'cache' }, '/home/u')).toBe(
      join('/home/u', '.cache', 'claude-auth', 'compile-cache'),
    );
    expect(compileCacheDirectory({}, '')).toBeUndefined();
    expect(compileCacheDirectory({ XDG_CACHE_HOME: 'cache' }, 'relative')).toBeUndefined();
    expect(compileCacheDirectory({ XDG_CACHE_HOME: '/x/cache' }, '')).toBe(
      join('/x/cache', 'claude-auth', 'compile-cache'),
    );
  });
});
