import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  claudeConfigDir,
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
});
