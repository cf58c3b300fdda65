import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../../fixtures/redis-server.js';
import { ExitCode, runCli } from '../../../src/cli/run-cli.js';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { RedisCredentialStore } from '../../../src/store/redis/redis-credential-store.js';
import { recordingIO } from '../../helpers/recording-io.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { oauthToken } from '../../helpers/tokens.js';

// Keys under the store's prefix that are not its records (another tool's string, a
// list): listing skips and reports them, and reading one is no connectivity problem.

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(() => redis?.stop());

const env = { CLAUDE_AUTH_STORE_KEY: randomBytes(32).toString('base64') };

async function prefixWithStrayKeys() {
  const prefix = `stray${randomBytes(3).toString('hex')}:`;
  const url = redis.url({ prefix });
  for (const profile of ['default', 'work'])
    await new RedisCredentialStore({ url, profile, env }).transact(async (tx) =>
      tx.write(oauthToken(3_600_000), await tx.currentRevision()),
    );
  await redis.cli('set', `${prefix}profile:junk`, 'not ours');
  await redis.cli('rpush', `${prefix}profile:queue`, 'a');
  return { prefix, url };
}

describe('the Redis store among keys that are not its records', () => {
  it('profiles() skips them and reports each with its type', async () => {
    const { prefix, url } = await prefixWithStrayKeys();
    const skipped: string[] = [];
    const store = new RedisCredentialStore({ url, env });
    const names = await store.profiles({
      onSkipped: (key: string, why: string) => skipped.push(`${key}: ${why}`),
    });
    store.close();
    expect(names).toEqual(['default', 'work']);
    expect(skipped.sort()).toEqual([
      `${prefix}profile:junk: a string, not a claude-auth record`,
      `${prefix}profile:queue: a list, not a claude-auth record`,
    ]);
  });

  it('reading a profile whose key holds another type is a corrupt record, not an unreachable store', async () => {
    const { url } = await prefixWithStrayKeys();
    const store = new RedisCredentialStore({ url, env, profile: 'junk' });
    const error = await store.read().catch((e: unknown) => e);
    store.close();
    expect(error).toMatchObject({ code: AuthErrorCode.STORAGE_CORRUPT });
    expect((error as Error).message).toMatch(/holds a key of another type/);
    expect((error as Error).message).not.toMatch(/did not answer/);
  });

  it.each([[['profiles']], [['status', '--all']]])(
    '%j lists the profiles and warns about the stray keys',
    async (argv) => {
      const { prefix, url } = await prefixWithStrayKeys();
      const { io, stdout, stderr } = recordingIO({
        ...env,
        CLAUDE_AUTH_DIR: await tempDir(),
        CLAUDE_AUTH_STORE: url,
      });
      const code = await runCli(argv, io);
      expect(code, stderr()).toBe(ExitCode.OK);
      expect(stdout()).toMatch(/work/);
      expect(stderr()).toContain(
        `claude-auth: warning: skipped ${prefix}profile:junk (a string, not a claude-auth record).`,
      );
    },
  );

  it('logout --all logs out every profile and leaves the stray keys alone', async () => {
    const { prefix, url } = await prefixWithStrayKeys();
    const { io, stdout, stderr } = recordingIO({
      ...env,
      CLAUDE_AUTH_DIR: await tempDir(),
      CLAUDE_AUTH_STORE: url,
    });
    const code = await runCli(['logout', '--all', '--json'], io);
    expect(code, stderr()).toBe(ExitCode.OK);
    expect(JSON.parse(stdout())).toMatchObject([
      { profile: 'default', removed: true },
      { profile: 'work', removed: true },
    ]);
    expect(await redis.cli('get', `${prefix}profile:junk`)).toBe('not ours\n');
  });

  // README: --force deletes a login that cannot be read, "a key of another type" included.
  it('logout --force on a profile whose key holds another type deletes that key, unrevoked; without it the key stays', async () => {
    const { prefix, url } = await prefixWithStrayKeys();
    const run = async (argv: string[]) => {
      const { io, stdout, stderr } = recordingIO({
        ...env,
        CLAUDE_AUTH_DIR: await tempDir(),
        CLAUDE_AUTH_STORE: url,
      });
      return { code: await runCli(argv, io), stdout: stdout(), stderr: stderr() };
    };
    const kept = await run(['logout', '-p', 'queue']);
    expect(kept.code).toBe(ExitCode.STORE_UNREADABLE);
    expect(kept.stderr).toContain('--force');
    expect(await redis.cli('type', `${prefix}profile:queue`)).toBe('list\n');

    const forced = await run(['logout', '-p', 'queue', '--force', '--json']);
    expect(forced.code, forced.stderr).toBe(ExitCode.OK);
    expect(JSON.parse(forced.stdout)).toEqual([
      {
        profile: 'queue',
        removed: true,
        revoked: false,
        revocationError: expect.objectContaining({ code: 'REVOCATION_FAILED' }),
      },
    ]);
    expect(await redis.cli('type', `${prefix}profile:queue`)).toBe('none\n');
    // Only that key: the other stray key and the logins stay.
    expect(await redis.cli('get', `${prefix}profile:junk`)).toBe('not ours\n');
    expect((await run(['profiles'])).stdout).toMatch(/work/);
  });

  it('a login over a key of another type is refused (exit 5) and leaves the key alone', async () => {
    const { prefix, url } = await prefixWithStrayKeys();
    const store = new RedisCredentialStore({ url, env, profile: 'queue' });
    const error = await store
      .transact(async (tx) => tx.write(oauthToken(3_600_000), await tx.currentRevision()))
      .catch((e: unknown) => e);
    store.close();
    expect(error).toMatchObject({ code: AuthErrorCode.STORAGE_CORRUPT });
    expect(await redis.cli('lrange', `${prefix}profile:queue`, '0', '-1')).toBe('a\n');
  });
});
