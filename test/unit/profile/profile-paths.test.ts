import { mkdir, writeFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import {
  chooseProfile,
  homeDirectory,
  listProfiles,
  resolveProfile,
  sortProfiles,
  storageDirectory,
} from '../../../src/profile/profile-paths.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('profile paths', () => {
  it('defaults to ~/.claude_code/tokens.json, as the guide documents', () => {
    expect(storageDirectory({})).toBe(join(homedir(), '.claude_code'));
    expect(resolveProfile({ env: {} })).toEqual({
      profile: 'default',
      directory: join(homedir(), '.claude_code'),
      path: join(homedir(), '.claude_code', 'tokens.json'),
    });
  });

  it.each([
    '/srv/claude-auth/',
    '/srv//claude-auth',
    '/srv/./claude-auth',
    '/srv/x/../claude-auth',
  ])('names the directory %j as it is, whatever its spelling', (spelling) => {
    expect(resolveProfile({ env: { CLAUDE_AUTH_DIR: spelling } }).directory).toBe(
      resolve('/srv/claude-auth'),
    );
  });

  it.each([
    '',
    '../etc',
    'a/b',
    '.hidden',
    'tokens',
    'config',
    'mcp-servers',
    'x'.repeat(65),
    'naïve',
  ])('refuses the profile name %j', (name) => {
    expect(() => resolveProfile({ env: {}, profile: name })).toThrow(
      expect.objectContaining({ code: AuthErrorCode.CONFIG_INVALID }),
    );
  });

  it('names every reserved name in its refusal, as a list a person reads', () => {
    expect(() => resolveProfile({ env: {}, profile: 'config' })).toThrow(
      expect.objectContaining({
        message: expect.stringContaining('"tokens", "config", or "mcp-servers"'),
      }),
    );
  });

  it('orders profile listings default first, then by name case-insensitively, the same in every locale', () => {
    expect(sortProfiles(['b', 'work-2', 'B', 'default', 'Alpha', 'a', 'work_1'])).toEqual([
      'default',
      'a',
      'Alpha',
      'B',
      'b',
      'work-2',
      'work_1',
    ]);
  });

  it('lists profiles with default first and ignores other files', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'sub'));
    for (const name of [
      'work.json',
      'tokens.json',
      'default.json',
      'alpha.json',
      'notes.txt',
      'tokens.json.corrupt-1',
      '.tokens.json.1.tmp',
      // claude-auth's own files beside the profiles: its settings and the MCP name registry.
      'config.json',
      'mcp-servers.json',
    ]) {
      await writeFile(join(dir, name), '');
    }
    // default.json is no profile: the default profile's file is tokens.json (listed once).
    expect(await listProfiles(dir)).toEqual(['default', 'alpha', 'work']);
    expect(await listProfiles(join(dir, 'missing'))).toEqual([]);
  });
});

describe('chooseProfile: the one rule for the active profile', () => {
  it('asks the option, then CLAUDE_AUTH_PROFILE, then `profiles use`, then default, and says which chose', async () => {
    const directory = await tempDir('choose-');
    expect(chooseProfile({ env: {}, directory })).toEqual({
      profile: 'default',
      chosenBy: 'default',
    });
    await writeFile(join(directory, 'config.json'), '{"defaultProfile":"team"}');
    expect(chooseProfile({ env: {}, directory })).toEqual({
      profile: 'team',
      chosenBy: 'profiles use',
    });
    const env = { CLAUDE_AUTH_PROFILE: 'ci' };
    expect(chooseProfile({ env, directory })).toEqual({
      profile: 'ci',
      chosenBy: 'CLAUDE_AUTH_PROFILE',
    });
    expect(chooseProfile({ env, directory, profile: 'me' })).toEqual({
      profile: 'me',
      chosenBy: 'option',
    });
  });

  it('names CLAUDE_AUTH_PROFILE when the variable holds a bad name, and how to fix it', () => {
    expect(() =>
      chooseProfile({ env: { CLAUDE_AUTH_PROFILE: '../x' }, directory: '/nowhere' }),
    ).toThrow(
      expect.objectContaining({
        code: AuthErrorCode.CONFIG_INVALID,
        summary: expect.stringMatching(
          /^CLAUDE_AUTH_PROFILE="\.\.\/x" is not a valid profile name/,
        ),
        fix: expect.stringMatching(/^unset CLAUDE_AUTH_PROFILE/),
      }),
    );
  });
});

describe('homeDirectory: an empty or relative HOME is no home', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it.each(['', 'relative/home', '.'])(
    'with HOME=%j the storage directory is the account’s home’s, never one below the current directory',
    (home) => {
      vi.stubEnv('HOME', home);
      expect(homeDirectory()).toBe(userInfo().homedir);
      expect(storageDirectory({})).toBe(join(userInfo().homedir, '.claude_code'));
    },
  );

  it('an absolute HOME is the home', () => {
    expect(homeDirectory('/srv/home')).toBe('/srv/home');
  });

  it('refuses, naming HOME and CLAUDE_AUTH_DIR, when neither HOME nor the account gives an absolute home', () => {
    for (const account of [
      () => '',
      () => 'rel',
      () => {
        throw new Error('no passwd entry');
      },
    ])
      expect(() => homeDirectory('', account)).toThrow(
        expect.objectContaining({
          code: AuthErrorCode.CONFIG_INVALID,
          summary: expect.stringMatching(/HOME/),
          fix: expect.stringMatching(/CLAUDE_AUTH_DIR/),
        }),
      );
  });
});
