// The Redis client and the keychain binding are optional peer dependencies: a
// user who did not install one gets, when choosing its backend, a typed error
// whose fix is the `npm install`, and a file-store user needs neither. Proven
// on the built bin in an installation without them: a copy of the package in a
// temp project whose node_modules links every installed package but the two.
import { cp, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBuiltCli } from '../../../fixtures/built-cli.js';
import { PACKAGE_ROOT } from '../../../fixtures/package-root.js';
import { ExitCode } from '../../../src/cli/shared/exit-codes.js';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { oauthToken } from '../../helpers/tokens.js';

const OPTIONAL = ['ioredis', '@napi-rs/keyring'];

/** Links `from/name` into `to` for each entry of `from` not in {@link OPTIONAL}, scopes entry by entry. */
async function linkPackages(from: string, to: string, scope = ''): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const name = scope === '' ? entry.name : `${scope}/${entry.name}`;
    if (OPTIONAL.includes(name) || entry.name === '.bin') continue;
    if (scope === '' && entry.name.startsWith('@') && entry.isDirectory())
      await linkPackages(join(from, entry.name), join(to, entry.name), entry.name);
    else await symlink(join(from, entry.name), join(to, entry.name));
  }
}

/**
 * claude-auth installed without its optional peers: `dist` and the manifest
 * copied (a link would resolve back to this repository's node_modules), the
 * other packages linked. Returns the bin and a home holding a fresh token.
 */
async function installedWithoutOptionalPeers() {
  const project = await tempDir('optional-backends-');
  const root = join(project, 'node_modules', 'claude-auth');
  await linkPackages(join(PACKAGE_ROOT, 'node_modules'), join(project, 'node_modules'));
  await cp(join(PACKAGE_ROOT, 'dist'), join(root, 'dist'), { recursive: true });
  await cp(join(PACKAGE_ROOT, 'package.json'), join(root, 'package.json'));
  const home = join(project, 'home');
  const token = oauthToken(3_600_000);
  await new TokenStorage(join(home, 'store', 'tokens.json'), 'default').saveToken(token);
  const env = { HOME: home, CLAUDE_AUTH_DIR: join(home, 'store') };
  return { bin: join(root, 'dist', 'bin', 'claude-auth.cjs'), home, env, token };
}

describe('optional backends without their packages', () => {
  it('the file store needs neither: `token` prints the stored token', async () => {
    const { bin, env, token } = await installedWithoutOptionalPeers();
    const run = await runBuiltCli(['token'], env, undefined, bin);
    expect(run).toMatchObject({ code: 0, stdout: `${token.accessToken}\n` });
  });

  it('a redis:// store without ioredis: CONFIG_INVALID, whose fix is `npm install ioredis`', async () => {
    const { bin, home, env } = await installedWithoutOptionalPeers();
    const key = join(home, 'store.key');
    await writeFile(key, `${Buffer.alloc(32, 7).toString('base64')}\n`, { mode: 0o600 });
    const run = await runBuiltCli(
      ['token'],
      {
        ...env,
        CLAUDE_AUTH_STORE: 'redis://127.0.0.1:1',
        CLAUDE_AUTH_STORE_KEY_FILE: key,
      },
      undefined,
      bin,
    );
    expect(run.code).toBe(ExitCode.USAGE);
    expect(run.stderr).toContain('needs the package ioredis');
    expect(run.stderr).toContain('npm install ioredis');
    expect(run.stdout).toBe('');
  });

  it('the keychain store without @napi-rs/keyring: CONFIG_INVALID, whose fix is `npm install @napi-rs/keyring`', async () => {
    const { bin, env } = await installedWithoutOptionalPeers();
    const run = await runBuiltCli(
      ['token'],
      {
        ...env,
        CLAUDE_AUTH_STORE: 'keychain',
        // A session bus named, so the choice gets as far as loading the binding.
        DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/claude-auth-test-bus',
      },
      undefined,
      bin,
    );
    expect(run.code).toBe(ExitCode.USAGE);
    expect(run.stderr).toContain('npm install @napi-rs/keyring');
    expect(run.stdout).toBe('');
  });

  // The missing package is the first thing to fix: a D-Bus fix would be followed by this one anyway.
  it.each([
    [['token'], { CLAUDE_AUTH_STORE: 'keychain' }],
    [['status', '--store', 'keychain'], {}],
  ])(
    '%j with keychain chosen, without @napi-rs/keyring and without D-Bus: CONFIG_INVALID with the npm install, not the D-Bus fix',
    async (argv, store) => {
      const { bin, env } = await installedWithoutOptionalPeers();
      const run = await runBuiltCli(
        argv,
        { ...env, ...store, DBUS_SESSION_BUS_ADDRESS: '' },
        undefined,
        bin,
      );
      expect(run.code, run.stderr).toBe(ExitCode.USAGE);
      expect(run.stderr).toContain('npm install @napi-rs/keyring');
      expect(run.stderr).not.toContain('D-Bus');
    },
  );

  it('`auto` without @napi-rs/keyring falls back to the file, saying why', async () => {
    const { bin, env, token } = await installedWithoutOptionalPeers();
    const run = await runBuiltCli(
      ['token'],
      {
        ...env,
        CLAUDE_AUTH_STORE: 'auto',
        DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/claude-auth-test-bus',
      },
      undefined,
      bin,
    );
    expect(run).toMatchObject({ code: 0, stdout: `${token.accessToken}\n` });
    expect(run.stderr).toContain('npm install @napi-rs/keyring');
  });
});
