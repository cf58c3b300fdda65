import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  claudeCodeKeychainItem,
  claudeConfigDir,
  type KeychainItemReader,
  readClaudeCodeLogin,
} from '../../../src/claude-code/claude-code-login.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe("Claude Code's own login", () => {
  it('reads it from $CLAUDE_CONFIG_DIR, else ~/.claude', () => {
    expect(claudeConfigDir({ CLAUDE_CONFIG_DIR: '/c' })).toBe('/c');
    expect(claudeConfigDir({ HOME: '/home/u' })).toBe(join('/home/u', '.claude'));
  });

  it('accepts a login only with the user:inference scope, as Claude Code does', async () => {
    const dir = await tempDir();
    const write = (oauth: unknown) =>
      writeFile(join(dir, '.credentials.json'), JSON.stringify({ claudeAiOauth: oauth }));
    await write({
      accessToken: 'sk-ant-oat01-x',
      expiresAt: 1_900_000_000_000,
      scopes: ['user:inference'],
      subscriptionType: 'max',
    });
    expect(await readClaudeCodeLogin({ CLAUDE_CONFIG_DIR: dir })).toMatchObject({
      accessToken: 'sk-ant-oat01-x',
      subscriptionType: 'max',
    });
    await write({ accessToken: 'sk-ant-oat01-x', scopes: ['user:profile'] });
    expect(await readClaudeCodeLogin({ CLAUDE_CONFIG_DIR: dir })).toBeUndefined();
    await writeFile(join(dir, '.credentials.json'), '{not json');
    expect(await readClaudeCodeLogin({ CLAUDE_CONFIG_DIR: dir })).toBeUndefined();
  });

  describe('on macOS, from the Keychain item Claude Code keeps it in', () => {
    const credentials = JSON.stringify({
      claudeAiOauth: {
        accessToken: 'sk-ant-oat01-from-keychain',
        refreshToken: 'sk-ant-ort01-not-ours',
        expiresAt: 1_900_000_000_000,
        scopes: ['user:inference', 'user:profile'],
        subscriptionType: 'pro',
      },
    });
    /** A Keychain holding `items` (service/account → secret), recording what was asked. */
    function keychain(items: Record<string, string>): KeychainItemReader & { asked: string[] } {
      const asked: string[] = [];
      const reader = async (service: string, account: string) => {
        asked.push(`${service}/${account}`);
        return items[`${service}/${account}`];
      };
      return Object.assign(reader, { asked });
    }

    it('names the item as Claude Code does: the user, and a config-dir suffix only with CLAUDE_CONFIG_DIR', () => {
      expect(claudeCodeKeychainItem({ USER: 'alice' })).toEqual({
        service: 'Claude Code-credentials',
        account: 'alice',
      });
      // sha256("/Users/alice/.claude-work") starts with these 8 hex digits.
      expect(
        claudeCodeKeychainItem({ USER: 'alice', CLAUDE_CONFIG_DIR: '/Users/alice/.claude-work' }),
      ).toEqual({ service: 'Claude Code-credentials-be865d75', account: 'alice' });
      expect(claudeCodeKeychainItem({ USER: 'al ice' }).account).toBe('claude-code-user');
    });

    it('reads the item first, read only, and says where it came from', async () => {
      const reader = keychain({ 'Claude Code-credentials/alice': credentials });
      const found = await readClaudeCodeLogin(
        { USER: 'alice', HOME: '/nonexistent' },
        { platform: 'darwin', readKeychainItem: reader },
      );
      expect(found).toMatchObject({
        source: 'keychain',
        path: 'keychain:Claude Code-credentials/alice',
        accessToken: 'sk-ant-oat01-from-keychain',
        subscriptionType: 'pro',
        expiresAt: new Date(1_900_000_000_000),
      });
      expect(reader.asked).toEqual(['Claude Code-credentials/alice']);
    });

    it('decodes an item `security -w` printed as hex, and refuses one without user:inference', async () => {
      const hex = Buffer.from(credentials).toString('hex');
      expect(
        await readClaudeCodeLogin(
          { USER: 'alice' },
          {
            platform: 'darwin',
            readKeychainItem: keychain({ 'Claude Code-credentials/alice': hex }),
          },
        ),
      ).toMatchObject({ accessToken: 'sk-ant-oat01-from-keychain' });
      const narrow = credentials.replace('"user:inference",', '');
      expect(
        await readClaudeCodeLogin(
          { USER: 'alice', HOME: '/nonexistent' },
          {
            platform: 'darwin',
            readKeychainItem: keychain({ 'Claude Code-credentials/alice': narrow }),
          },
        ),
      ).toBeUndefined();
    });

    it('falls back to the credentials file without an item; elsewhere never asks the Keychain', async () => {
      const dir = await tempDir();
      await writeFile(join(dir, '.credentials.json'), credentials);
      const env = { USER: 'alice', CLAUDE_CONFIG_DIR: dir };
      const empty = keychain({});
      expect(
        await readClaudeCodeLogin(env, { platform: 'darwin', readKeychainItem: empty }),
      ).toMatchObject({
        source: 'file',
        path: join(dir, '.credentials.json'),
      });
      expect(empty.asked).toHaveLength(1);
      const unused = keychain({});
      expect(
        await readClaudeCodeLogin(env, { platform: 'linux', readKeychainItem: unused }),
      ).toMatchObject({
        source: 'file',
      });
      expect(unused.asked).toEqual([]);
    });
  });
});
