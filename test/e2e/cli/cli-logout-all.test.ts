import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import { runCliProcess } from '../../helpers/cli-process.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { oauthToken } from '../../helpers/tokens.js';

describe('claude-auth logout --all', () => {
  it('goes on past a profile it cannot log out, names it with the fix, and exits non-zero', async () => {
    const home = await tempDir('cli-logout-all-');
    const dir = join(home, '.claude_code');
    const env = { HOME: home, CLAUDE_AUTH_DIR: dir, CLAUDE_CONFIG_DIR: join(home, '.claude') };
    for (const profile of ['default', 'zeta'])
      await TokenStorage.forProfile({ env, profile }).saveToken(oauthToken(3_600_000));
    // A directory where the profile "broken" keeps its file: listed, but it cannot be read
    // (so it is not deleted unrevoked without --force) nor deleted.
    await mkdir(join(dir, 'broken.json'));
    const logout = await runCliProcess(['logout', '--all', '--json'], env);
    expect(logout.code).toBe(1);
    expect(JSON.parse(logout.stdout)).toMatchObject([
      { profile: 'default', removed: true },
      { profile: 'broken', removed: false, error: { code: 'STORAGE_CORRUPT' } },
      { profile: 'zeta', removed: true },
    ]);
    expect(logout.stderr).toMatch(/Profile "broken" was not logged out: .*To fix: /);
    expect(logout.stderr).not.toMatch(/To fix: .*To fix: /);
    expect(existsSync(join(dir, 'tokens.json'))).toBe(false);
    expect(existsSync(join(dir, 'zeta.json'))).toBe(false);
  });
});
