import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import { runCliProcess } from '../../helpers/cli-process.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { oauthToken } from '../../helpers/tokens.js';

describe('--all together with --profile', () => {
  it.each([
    [['logout', '--all', '-p', 'work']],
    [['logout', '--profile', 'work', '--all']],
    [['status', '--all', '-p', 'work']],
    [['storage', 'move', '--from', 'file', '--to', 'file', '--all', '-p', 'work']],
  ])('%j is a usage error (exit 2) and removes nothing', async (args) => {
    const home = await tempDir('cli-all-profile-');
    const dir = join(home, '.claude_code');
    const env = { HOME: home, CLAUDE_AUTH_DIR: dir, CLAUDE_CONFIG_DIR: join(home, '.claude') };
    for (const profile of ['default', 'work', 'zeta'])
      await TokenStorage.forProfile({ env, profile }).saveToken(oauthToken(3_600_000));
    const result = await runCliProcess(args, env);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(/--all and --profile exclude each other/);
    expect(result.stderr).toContain(`claude-auth ${args[0]} `);
    expect(result.stderr).toContain('--all');
    expect(result.stdout).toBe('');
    for (const file of ['tokens.json', 'work.json', 'zeta.json'])
      expect(existsSync(join(dir, file))).toBe(true);
  });

  it('mcp logout --all --profile stays allowed: there --all means every server of that profile', async () => {
    const home = await tempDir('cli-all-profile-mcp-');
    const env = {
      HOME: home,
      CLAUDE_AUTH_DIR: join(home, '.claude_code'),
      CLAUDE_CONFIG_DIR: join(home, '.claude'),
    };
    const result = await runCliProcess(['mcp', 'logout', '--all', '-p', 'work'], env);
    expect(result.code).not.toBe(2);
  });
});
