import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordMcpServer } from '../../../src/mcp/mcp-server-index.js';
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

describe('the MCP name registry beside the profiles is no profile', () => {
  it('logout --all leaves mcp-servers.json alone and succeeds; no profile may be named mcp-servers', async () => {
    const home = await tempDir('cli-mcp-registry-');
    const dir = join(home, '.claude_code');
    const env = { HOME: home, CLAUDE_AUTH_DIR: dir, CLAUDE_CONFIG_DIR: join(home, '.claude') };
    await TokenStorage.forProfile({ env }).saveToken(oauthToken(3_600_000));
    // The registry as `mcp login` leaves it (written by the same module).
    await recordMcpServer('default', 'docs', 'https://mcp.example/mcp', env);
    const registry = await readFile(join(dir, 'mcp-servers.json'), 'utf8');

    const profiles = await runCliProcess(['profiles', '--json'], env);
    expect(profiles.stdout).not.toMatch(/mcp-servers/);
    const logout = await runCliProcess(['logout', '--all', '--json'], env);
    expect({ code: logout.code, stderr: logout.stderr }).toMatchObject({ code: 0 });
    expect(JSON.parse(logout.stdout)).toMatchObject([{ profile: 'default', removed: true }]);

    const login = await runCliProcess(
      ['login', '--with-token', '-p', 'mcp-servers'],
      env,
      oauthToken(3_600_000).accessToken,
    );
    expect(login.code).not.toBe(0);
    expect(login.stderr).toMatch(/"mcp-servers" is not a valid profile name/);
    expect(await readFile(join(dir, 'mcp-servers.json'), 'utf8')).toBe(registry);
  });
});
