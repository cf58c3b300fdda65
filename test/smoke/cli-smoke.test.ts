// Smoke tests: what runs on every platform of the CI matrix (Linux, macOS,
// Windows) with nothing beyond Node, against the built CLI as users run it.
// The keychain backend adds its own here (issue 14).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import module from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../fixtures/package-root.js';
import { runCliProcess } from '../helpers/cli-process.js';
import { tempDir } from '../helpers/temp-dir.js';

async function emptyHome() {
  const home = await tempDir();
  return {
    HOME: home,
    USERPROFILE: home,
    CLAUDE_CONFIG_DIR: join(home, '.claude'),
    CLAUDE_AUTH_DIR: join(home, '.claude_code'),
  };
}

describe('the built CLI on this platform', () => {
  it('prints the package version', async () => {
    const { version } = JSON.parse(await readFile(join(PACKAGE_ROOT, 'package.json'), 'utf8'));
    const run = await runCliProcess(['--version'], await emptyHome());
    expect(run).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('status in an empty home: not logged in (exit 3), with the command that fixes it', async () => {
    const run = await runCliProcess(['status'], await emptyHome());
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('Not logged in');
    expect(run.stdout).toContain('To fix: claude-auth login');
  });

  it('refuses a pasted value that is not a subscription token (exit 2), storing nothing', async () => {
    const env = await emptyHome();
    const run = await runCliProcess(['login', '--with-token'], env, 'not-a-token\n');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('That is not a Claude subscription token');
    expect((await runCliProcess(['status'], env)).code).toBe(3);
  });

  it("keeps Node's compile cache in the user's own cache directory where Node has one (≥ 22.1), and none on Node 20", async () => {
    const env = await emptyHome();
    const run = await runCliProcess(['status'], env);
    expect(run.code).toBe(3);
    const hasCompileCache = 'enableCompileCache' in module;
    expect(existsSync(join(env.HOME, '.cache', 'claude-auth', 'compile-cache'))).toBe(
      hasCompileCache,
    );
  });
});
