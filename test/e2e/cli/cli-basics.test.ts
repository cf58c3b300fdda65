import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import manifest from '../../../package.json' with { type: 'json' };
import { TokenStorage } from '../../../src/storage/token-storage.js';
import { subscriptionToken } from '../../helpers/claude-code-env.js';
import { CLI, runCliProcess } from '../../helpers/cli-process.js';
import { tempDir } from '../../helpers/temp-dir.js';

const TOKEN = `sk-ant-oat01-${'C'.repeat(90)}AA`;
let env: Record<string, string>;
let dir: string;

beforeEach(async () => {
  const home = await tempDir('cli-home-');
  dir = join(home, '.claude_code');
  env = { HOME: home, CLAUDE_AUTH_DIR: dir, CLAUDE_CONFIG_DIR: join(home, '.claude') };
});

describe('claude-auth, run as users run it', () => {
  it('prints its version and help; every command has --help with examples', async () => {
    expect((await runCliProcess(['--version'], env)).stdout.trim()).toBe(manifest.version);
    for (const command of ['login', 'logout', 'status', 'refresh', 'token', 'profiles']) {
      const run = await runCliProcess([command, '--help'], env);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/Usage:[\s\S]*Examples:/);
    }
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['status', '--bogus'], /Unknown option '--bogus'/],
    [['token', '--min-ttl', 'soon'], /--min-ttl takes a number of seconds/],
    [['status', '--profile', '../etc'], /not a valid profile name/],
    [['login', '--profile', 'naïve✓', '--with-token'], /not a valid profile name/],
    [['profiles', 'use'], /usage: claude-auth profiles use NAME/],
  ])('rejects %j with a one-line error and exit 2', async (args, message) => {
    const run = await runCliProcess(args, env);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it('status: exit 3 and the fix when not logged in, with a JSON document of schema 1', async () => {
    const run = await runCliProcess(['status', '--json'], env);
    expect(run.code).toBe(3);
    const status = JSON.parse(run.stdout);
    expect(status).toMatchObject({
      schemaVersion: 1,
      activeProfile: 'default',
      resolution: { answeredBy: null },
    });
    expect(status.profiles[0]).toMatchObject({
      name: 'default',
      state: 'not-logged-in',
      fix: 'claude-auth login',
      mode: null,
    });
  });

  it('login --with-token stores from stdin; status, token, profiles and logout then work; no secret but from `token`', async () => {
    const login = await runCliProcess(
      ['login', '--with-token', '--profile', 'work'],
      env,
      `${TOKEN}\n`,
    );
    expect(login.code).toBe(0);
    expect(login.stderr).toMatch(/Logged in to profile "work"/);
    const status = await runCliProcess(['status', '--profile', 'work', '--json'], env);
    expect(status.code).toBe(0);
    const document = JSON.parse(status.stdout);
    expect(document.resolution.answeredBy).toBe('profile');
    expect(document.profiles[0]).toMatchObject({
      name: 'work',
      kind: 'claude-subscription',
      state: 'valid',
      mode: '600',
      hasRefreshToken: false,
    });
    const token = await runCliProcess(['token', '--profile', 'work'], env);
    expect(token).toMatchObject({ code: 0, stdout: `${TOKEN}\n`, stderr: '' });
    expect((await runCliProcess(['profiles', 'use', 'work'], env)).code).toBe(0);
    expect(JSON.parse((await runCliProcess(['profiles', '--json'], env)).stdout)).toEqual({
      defaultProfile: 'work',
      profiles: [{ name: 'work', kind: 'claude-subscription', state: 'valid' }],
    });
    expect((await runCliProcess(['token'], env)).stdout).toBe(`${TOKEN}\n`);
    const human = await runCliProcess(['status'], env);
    for (const run of [login, status, human])
      expect(run.stdout + run.stderr).not.toContain(TOKEN.slice(13, 50));
    expect(human.stdout).not.toContain('\u001b[');
    const logout = await runCliProcess(['logout', '--json'], env);
    expect(JSON.parse(logout.stdout)).toEqual([
      {
        profile: 'work',
        removed: true,
        revoked: false,
        revokeAt: 'https://claude.ai/settings/claude-code',
      },
    ]);
    expect((await runCliProcess(['token', '--profile', 'work'], env)).code).toBe(3);
  });

  it('status: exit 4 and the fix for an expired subscription token; refresh explains a valid one', async () => {
    await new TokenStorage(join(dir, 'tokens.json')).saveToken(subscriptionToken(-60_000));
    const expired = await runCliProcess(['status', '--json'], env);
    expect(expired.code).toBe(4);
    expect(JSON.parse(expired.stdout).profiles[0]).toMatchObject({
      state: 'reauth-required',
      fix: 'claude-auth login',
    });
    await new TokenStorage(join(dir, 'tokens.json')).saveToken(subscriptionToken(200 * 86_400_000));
    const refresh = await runCliProcess(['refresh'], env);
    expect(refresh.code).toBe(0);
    expect(refresh.stderr).toMatch(/valid until .* \(in 199 days\); nothing to do/);
    await new TokenStorage(join(dir, 'tokens.json')).saveToken(subscriptionToken(10 * 86_400_000));
    const expiring = JSON.parse((await runCliProcess(['status', '--json'], env)).stdout);
    expect(expiring.profiles[0]).toMatchObject({ state: 'expiring', fix: 'claude-auth refresh' });
    expect(expiring.profiles[0].warnings[0]).toMatch(/expires in 9 days/);
  });

  it('status: reports an insecure token file with the chmod fix, and leaves it alone', async () => {
    const storage = new TokenStorage(join(dir, 'tokens.json'));
    await storage.saveToken(subscriptionToken());
    await chmod(storage.path, 0o644);
    const before = await readFile(storage.path, 'utf8');
    const run = await runCliProcess(['status', '--json'], env);
    expect(JSON.parse(run.stdout).profiles[0]).toMatchObject({
      state: 'error',
      mode: '644',
      fix: `chmod 600 ${storage.path}`,
    });
    expect(await readFile(storage.path, 'utf8')).toBe(before);
    const token = await runCliProcess(['token'], env);
    expect(token.code).toBe(5);
    expect(token.stderr).toMatch(/To fix: chmod 600/);
  });

  it('login --with-token refuses a garbled token (exit 2) without echoing it', async () => {
    const run = await runCliProcess(
      ['login', '--with-token'],
      env,
      'sk-ant-oat01-garbled token here\n',
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/not a Claude subscription token/);
    expect(run.stderr).not.toContain('garbled');
  });

  it('exits quietly when its reader goes away (`status | head -1`), without an EPIPE stack', async () => {
    // The reader is gone before the first line is written: every write meets a closed pipe.
    const child = spawn(process.execPath, [CLI, 'status', '--all'], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const [code] = await once(child, 'close');
    expect(stderr).toBe('');
    expect(code).toBe(3);
  });
});
