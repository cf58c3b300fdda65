import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCliProcess } from '../../helpers/cli-process.js';
import { type SecretServiceSession, startSecretService } from '../../helpers/secret-service.js';
import { tempDir } from '../../helpers/temp-dir.js';

const TOKEN = `sk-ant-oat01-${'K'.repeat(90)}AA`;
let keyring: SecretServiceSession;
let home: string;
let dir: string;

// One Secret Service per test: the default directory names every test's credential `default`.
beforeEach(async () => {
  keyring = await startSecretService();
  home = await tempDir('cli-home-');
  dir = join(home, '.claude_code');
});
afterEach(() => keyring?.stop());

async function anyFileHolds(directory: string, secret: string): Promise<boolean> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(
    () => [],
  );
  for (const entry of entries) {
    if (entry.isFile() && (await readFile(join(entry.parentPath, entry.name))).includes(secret))
      return true;
  }
  return false;
}

describe('claude-auth with the keychain store', () => {
  it('CLAUDE_AUTH_STORE=keychain: login, status and token go through the Secret Service; no file holds the token', async () => {
    const env = {
      HOME: home,
      CLAUDE_AUTH_DIR: dir,
      CLAUDE_CONFIG_DIR: join(home, '.claude'),
      CLAUDE_AUTH_STORE: 'keychain',
      DBUS_SESSION_BUS_ADDRESS: keyring.env.DBUS_SESSION_BUS_ADDRESS,
    };
    const login = await runCliProcess(['login', '--with-token'], env, `${TOKEN}\n`);
    expect(login.code, login.stderr).toBe(0);
    const status = await runCliProcess(['status', '--json'], env);
    expect(JSON.parse(status.stdout).profiles[0]).toMatchObject({
      state: 'valid',
      mode: null,
      store: {
        backend: 'keychain',
        // The default directory (~/.claude_code) names the profile alone.
        location: 'keychain:claude-auth/default',
        reason: 'chosen by CLAUDE_AUTH_STORE=keychain',
      },
    });
    const human = await runCliProcess(['status'], env);
    expect(human.stdout).toContain('Store: keychain keychain:claude-auth/default');
    expect(human.stdout).toContain('Backend: keychain (chosen by CLAUDE_AUTH_STORE=keychain)');
    expect((await runCliProcess(['token'], env)).stdout).toBe(`${TOKEN}\n`);
    expect(await anyFileHolds(home, TOKEN)).toBe(false);
    expect(await anyFileHolds(keyring.home, TOKEN)).toBe(false);
  });

  it('CLAUDE_AUTH_STORE=auto with a working Secret Service: the keychain, after its probe', async () => {
    const env = {
      HOME: home,
      CLAUDE_AUTH_DIR: dir,
      CLAUDE_CONFIG_DIR: join(home, '.claude'),
      CLAUDE_AUTH_STORE: 'auto',
      DBUS_SESSION_BUS_ADDRESS: keyring.env.DBUS_SESSION_BUS_ADDRESS,
    };
    const login = await runCliProcess(['login', '--with-token'], env, `${TOKEN}\n`);
    expect(login.code, login.stderr).toBe(0);
    expect(login.stderr).not.toMatch(/not usable/);
    const status = JSON.parse((await runCliProcess(['status', '--json'], env)).stdout);
    expect(status.profiles[0]).toMatchObject({
      state: 'valid',
      store: {
        backend: 'keychain',
        reason: 'CLAUDE_AUTH_STORE=auto: the keychain passed a write/read/delete probe',
      },
    });
    expect(await anyFileHolds(home, TOKEN)).toBe(false);
  });

  it('storage move --from file --to keychain: the credential moves whole, and status then finds it in the keychain', async () => {
    const env = {
      HOME: home,
      CLAUDE_AUTH_DIR: dir,
      CLAUDE_CONFIG_DIR: join(home, '.claude'),
      DBUS_SESSION_BUS_ADDRESS: keyring.env.DBUS_SESSION_BUS_ADDRESS,
    };
    expect((await runCliProcess(['login', '--with-token'], env, `${TOKEN}\n`)).code).toBe(0);
    const move = await runCliProcess(
      ['storage', 'move', '--from', 'file', '--to', 'keychain'],
      env,
    );
    expect(move.code, move.stderr).toBe(0);
    expect(await anyFileHolds(home, TOKEN)).toBe(false);
    const inKeychain = { ...env, CLAUDE_AUTH_STORE: 'keychain' };
    expect((await runCliProcess(['token'], inKeychain)).stdout).toBe(`${TOKEN}\n`);
    expect((await runCliProcess(['status'], env)).code).toBe(3);
  });

  it.each(['keychain', 'auto'])(
    'CLAUDE_AUTH_STORE=%s: profiles, status --all and logout --all find every keychain profile',
    async (choice) => {
      const env = {
        HOME: home,
        CLAUDE_AUTH_DIR: dir,
        CLAUDE_CONFIG_DIR: join(home, '.claude'),
        CLAUDE_AUTH_STORE: choice,
        DBUS_SESSION_BUS_ADDRESS: keyring.env.DBUS_SESSION_BUS_ADDRESS,
      };
      for (const profile of ['default', 'work']) {
        const login = await runCliProcess(
          ['login', '--with-token', '-p', profile],
          env,
          `${TOKEN}\n`,
        );
        expect(login.code, login.stderr).toBe(0);
      }
      const names = (run: { stdout: string }) =>
        JSON.parse(run.stdout).profiles.map((p: { name: string }) => p.name);
      expect(names(await runCliProcess(['profiles', '--json'], env))).toEqual(['default', 'work']);
      const all = await runCliProcess(['status', '--all', '--json'], env);
      expect(names(all)).toEqual(['default', 'work']);
      const logout = await runCliProcess(['logout', '--all', '--json'], env);
      expect(logout.code, logout.stderr).toBe(0);
      expect(JSON.parse(logout.stdout)).toMatchObject([
        { profile: 'default', removed: true },
        { profile: 'work', removed: true },
      ]);
      expect(names(await runCliProcess(['profiles', '--json'], env))).toEqual([]);
      expect(
        await keyring.secretTool(['search', '--all', '--unlock', 'service', 'claude-auth']),
      ).not.toContain('secret =');
    },
  );

  it('switching to CLAUDE_AUTH_STORE=auto: status names the file login it does not use, logout removes it', async () => {
    const env = {
      HOME: home,
      CLAUDE_AUTH_DIR: dir,
      CLAUDE_CONFIG_DIR: join(home, '.claude'),
      DBUS_SESSION_BUS_ADDRESS: keyring.env.DBUS_SESSION_BUS_ADDRESS,
    };
    expect((await runCliProcess(['login', '--with-token'], env, `${TOKEN}\n`)).code).toBe(0);
    const auto = { ...env, CLAUDE_AUTH_STORE: 'auto' };
    const status = await runCliProcess(['status'], auto);
    expect(status.code).toBe(3);
    expect(status.stdout).toContain(
      `${join(dir, 'tokens.json')} holds a login (not used: CLAUDE_AUTH_STORE=auto chose the keychain over it)`,
    );
    expect(status.stdout).toContain('To fix: claude-auth storage move --from file --to keychain');
    const listed = JSON.parse((await runCliProcess(['status', '--all', '--json'], auto)).stdout);
    expect(listed.profiles.map((p: { name: string }) => p.name)).toEqual(['default']);
    const logout = await runCliProcess(['logout'], auto);
    expect(logout.code, logout.stderr).toBe(0);
    expect(await anyFileHolds(home, TOKEN)).toBe(false);
    expect((await runCliProcess(['status'], env)).code).toBe(3);
  });

  it('CLAUDE_AUTH_DIR spelt with a trailing slash at login and without it later: one keychain login', async () => {
    const other = join(home, 'elsewhere');
    const env = {
      HOME: home,
      CLAUDE_CONFIG_DIR: join(home, '.claude'),
      CLAUDE_AUTH_STORE: 'keychain',
      DBUS_SESSION_BUS_ADDRESS: keyring.env.DBUS_SESSION_BUS_ADDRESS,
    };
    const login = await runCliProcess(
      ['login', '--with-token'],
      { ...env, CLAUDE_AUTH_DIR: `${other}/` },
      `${TOKEN}\n`,
    );
    expect(login.code, login.stderr).toBe(0);
    const token = await runCliProcess(['token'], { ...env, CLAUDE_AUTH_DIR: other });
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout).toBe(`${TOKEN}\n`);
  });

  it('CLAUDE_AUTH_STORE=auto without a D-Bus session: the file, saying why in status and once on stderr', async () => {
    const env = {
      HOME: home,
      CLAUDE_AUTH_DIR: dir,
      CLAUDE_CONFIG_DIR: join(home, '.claude'),
      CLAUDE_AUTH_STORE: 'auto',
    };
    const login = await runCliProcess(['login', '--with-token'], env, `${TOKEN}\n`);
    expect(login.code, login.stderr).toBe(0);
    expect(login.stderr.match(/no D-Bus session bus/g)).toHaveLength(1);
    const status = await runCliProcess(['status', '--json'], env);
    expect(JSON.parse(status.stdout).profiles[0]).toMatchObject({
      state: 'valid',
      mode: '600',
      store: { backend: 'file', location: join(dir, 'tokens.json') },
    });
    expect(JSON.parse(status.stdout).profiles[0].store.reason).toMatch(
      /CLAUDE_AUTH_STORE=auto: the keychain is not usable \(there is no D-Bus session bus/,
    );
  });

  it('CLAUDE_AUTH_STORE=keychain without a D-Bus session: login fails with the fix and writes nothing', async () => {
    const env = {
      HOME: home,
      CLAUDE_AUTH_DIR: dir,
      CLAUDE_CONFIG_DIR: join(home, '.claude'),
      CLAUDE_AUTH_STORE: 'keychain',
    };
    const login = await runCliProcess(['login', '--with-token'], env, `${TOKEN}\n`);
    expect(login.code).not.toBe(0);
    expect(login.stderr).toMatch(/keychain cannot be reached.*CLAUDE_AUTH_STORE=file/s);
    expect(await anyFileHolds(home, TOKEN)).toBe(false);
  });
});
