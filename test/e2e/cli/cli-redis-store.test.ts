import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisServer } from '../../../fixtures/redis-server.js';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import { runCliProcess } from '../../helpers/cli-process.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { knownSecrets, oauthToken } from '../../helpers/tokens.js';

const runner = { name: 'runner', password: randomBytes(12).toString('hex'), prefix: 'ci:' };
let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start({ users: [runner] });
  knownSecrets.add(runner.password);
});
afterAll(() => redis?.stop());

let env: Record<string, string>;
let dir: string;
let url: string;
beforeEach(async () => {
  const home = await tempDir('cli-redis-');
  dir = join(home, '.claude_code');
  const passwordFile = join(home, 'redis-password');
  await writeFile(passwordFile, `${runner.password}\n`, { mode: 0o600 });
  const storeKey = randomBytes(32).toString('base64');
  knownSecrets.add(storeKey);
  env = {
    HOME: home,
    CLAUDE_AUTH_DIR: dir,
    CLAUDE_CONFIG_DIR: join(home, '.claude'),
    CLAUDE_AUTH_STORE_KEY: storeKey,
    CLAUDE_AUTH_REDIS_PASSWORD_FILE: passwordFile,
  };
  url = `redis://runner@127.0.0.1:${redis.port}/0?prefix=ci:${randomBytes(4).toString('hex')}:`;
});

describe('claude-auth with a Redis store', () => {
  it('storage move file → redis, status names the backend and address (no password), token serves from Redis, copy back', async () => {
    const token = oauthToken(3_600_000);
    await TokenStorage.forProfile({ env }).saveToken(token);
    const move = await runCliProcess(['storage', 'move', '--from', 'file', '--to', url], env);
    expect(move.stderr).toMatch(/Moved profile "default" from file .* to redis redis:\/\/runner@/);
    expect(move.code).toBe(0);
    expect(existsSync(join(dir, 'tokens.json'))).toBe(false);

    const status = await runCliProcess(['status', '--json', '--store', url], env);
    expect(status.code).toBe(0);
    const report = JSON.parse(status.stdout).profiles[0];
    expect(report).toMatchObject({ state: 'valid', store: { backend: 'redis' } });
    expect(report.store.location).toContain(`redis://runner@127.0.0.1:${redis.port}/0`);
    expect(report.store.reason).toMatch(/^chosen by --store=redis:\/\/runner@/);
    const text = await runCliProcess(['status'], { ...env, CLAUDE_AUTH_STORE: url });
    expect(text.stdout).toMatch(/Backend: redis \(chosen by CLAUDE_AUTH_STORE=redis:\/\/runner@/);
    for (const run of [status, text])
      expect(run.stdout + run.stderr).not.toContain(runner.password);

    // Profiles are keys under the prefix: --all lists the store's, not the files'.
    await TokenStorage.forProfile({ env, profile: 'work' }).saveToken(oauthToken(3_600_000));
    await runCliProcess(['storage', 'move', '--from', 'file', '--to', url, '-p', 'work'], env);
    const all = JSON.parse(
      (await runCliProcess(['status', '--all', '--json', '--store', url], env)).stdout,
    );
    expect(all.profiles.map((p: { name: string }) => p.name).sort()).toEqual(['default', 'work']);

    const served = await runCliProcess(['token', '--store', url], env);
    expect(served.stdout.trim()).toBe(token.accessToken);

    const copy = await runCliProcess(['storage', 'copy', '--from', url, '--to', 'file'], env);
    expect(copy.code).toBe(0);
    expect(copy.stderr).toMatch(/same refresh token/);
    expect((await TokenStorage.forProfile({ env }).loadToken())?.accessToken).toBe(
      token.accessToken,
    );
    // The destination holds a credential now: a second copy over it is refused without --replace.
    const again = await runCliProcess(
      ['storage', 'copy', '--from', url, '--to', 'file', '--profile', 'default'],
      env,
    );
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/already there/);
  });

  it('an unreachable Redis: STORE_UNAVAILABLE with the address and the fix, promptly, nothing written', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as { port: number };
    closed.close();
    const down = `redis://127.0.0.1:${port}/0`;
    const run = await runCliProcess(['token', '--store', down], env);
    expect(run.code).toBe(5);
    expect(run.stderr).toContain(`The Redis store at redis://127.0.0.1:${port}/0 did not answer`);
    expect(run.stderr).toContain('To fix:');
    const status = JSON.parse(
      (await runCliProcess(['status', '--json', '--store', down], env)).stdout,
    );
    expect(status.profiles[0].error.code).toBe('STORE_UNAVAILABLE');
  });

  it('profiles, status --all and logout --all list the Redis store, named by --store or CLAUDE_AUTH_STORE', async () => {
    const inRedis = { ...env, CLAUDE_AUTH_STORE: url };
    for (const profile of ['work', 'default'])
      await TokenStorage.forProfile({ env: inRedis, profile }).saveToken(oauthToken(3_600_000));
    // A profile in this machine's file is not one of the Redis store's.
    await TokenStorage.forProfile({ env, profile: 'local' }).saveToken(oauthToken(3_600_000));
    const names = (run: { stdout: string }) =>
      JSON.parse(run.stdout).profiles.map((p: { name: string }) => p.name);
    expect(names(await runCliProcess(['profiles', '--json', '--store', url], env))).toEqual([
      'default',
      'work',
    ]);
    expect(names(await runCliProcess(['profiles', '--json'], inRedis))).toEqual([
      'default',
      'work',
    ]);
    expect(names(await runCliProcess(['status', '--all', '--json'], inRedis))).toEqual([
      'default',
      'work',
    ]);
    const logout = await runCliProcess(['logout', '--all', '--json'], inRedis);
    expect(logout.code, logout.stderr).toBe(0);
    expect(JSON.parse(logout.stdout).map((r: { profile: string }) => r.profile)).toEqual([
      'default',
      'work',
    ]);
    expect(names(await runCliProcess(['profiles', '--json'], inRedis))).toEqual([]);
    expect(names(await runCliProcess(['profiles', '--json'], env))).toEqual(['local']);
  });

  it('storage move --all moves every profile the source store lists, and says which', async () => {
    const tokens = { default: oauthToken(3_600_000), work: oauthToken(3_600_000) };
    for (const [profile, token] of Object.entries(tokens))
      await TokenStorage.forProfile({ env, profile }).saveToken(token);
    const move = await runCliProcess(
      ['storage', 'move', '--from', 'file', '--to', url, '--all', '--json'],
      env,
    );
    expect(move.code, move.stderr).toBe(0);
    expect(JSON.parse(move.stdout)).toMatchObject([
      { profile: 'default', sourceDeleted: true },
      { profile: 'work', sourceDeleted: true },
    ]);
    const inRedis = { ...env, CLAUDE_AUTH_STORE: url };
    for (const [profile, token] of Object.entries(tokens))
      expect((await runCliProcess(['token', '-p', profile], inRedis)).stdout).toBe(
        `${token.accessToken}\n`,
      );
    const left = JSON.parse((await runCliProcess(['profiles', '--json'], env)).stdout);
    expect(left.profiles).toEqual([]);
  });

  it('a record sealed with a key this machine lacks: status says so, logout keeps it (exit 5), logout --force deletes it', async () => {
    const otherKey = randomBytes(32).toString('base64');
    knownSecrets.add(otherKey);
    const elsewhere = { ...env, CLAUDE_AUTH_STORE: url, CLAUDE_AUTH_STORE_KEY: otherKey };
    await TokenStorage.forProfile({ env: elsewhere, profile: 'alien' }).saveToken(
      oauthToken(3_600_000),
    );
    const here = { ...env, CLAUDE_AUTH_STORE: url };
    const before = JSON.parse((await runCliProcess(['status', '--all', '--json'], here)).stdout);
    expect(before.profiles.find((p: { name: string }) => p.name === 'alien')).toMatchObject({
      state: 'error',
      error: { code: 'STORE_KEY_MISMATCH' },
    });
    const kept = await runCliProcess(['logout', '-p', 'alien', '--json'], here);
    expect(kept.code, kept.stderr).toBe(5);
    expect(JSON.parse(kept.stdout).error.code).toBe('STORE_KEY_MISMATCH');
    expect(kept.stderr).toMatch(/logout --profile alien --force/);
    expect(
      await redis.cli('hexists', `${new URL(url).searchParams.get('prefix')}profile:alien`, 'ct'),
    ).toBe('1\n');
    const logout = await runCliProcess(['logout', '-p', 'alien', '--force', '--json'], here);
    expect(logout.code, logout.stderr).toBe(0);
    expect(JSON.parse(logout.stdout)[0]).toMatchObject({ profile: 'alien', removed: true });
    expect(
      await redis.cli('hexists', `${new URL(url).searchParams.get('prefix')}profile:alien`, 'ct'),
    ).toBe('0\n');
    const after = JSON.parse((await runCliProcess(['profiles', '--json'], here)).stdout);
    expect(after.profiles).toEqual([]);
  });

  it('a password in --store works but is warned about', async () => {
    const withPassword = url.replace('runner@', `runner:${runner.password}@`);
    const { CLAUDE_AUTH_REDIS_PASSWORD_FILE: _file, ...noFile } = env;
    // The password is in this run's argv by the user's choice; the warning says where it belongs.
    knownSecrets.delete(runner.password);
    try {
      const run = await runCliProcess(['status', '--json', '--store', withPassword], noFile);
      expect(run.stderr).toMatch(/CLAUDE_AUTH_REDIS_PASSWORD_FILE/);
      expect(run.stdout).not.toContain(runner.password);
      expect(JSON.parse(run.stdout).profiles[0].state).toBe('not-logged-in');
    } finally {
      knownSecrets.add(runner.password);
    }
  });
});
