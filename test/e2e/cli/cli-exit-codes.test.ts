import { randomBytes } from 'node:crypto';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisServer } from '../../../fixtures/redis-server.js';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import { subscriptionToken } from '../../helpers/claude-code-env.js';
import { runCliProcess } from '../../helpers/cli-process.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { knownSecrets } from '../../helpers/tokens.js';

let redis: RedisServer | undefined;
afterAll(() => redis?.stop());

let env: Record<string, string>;
let dir: string;

beforeEach(async () => {
  const home = await tempDir('cli-exit-');
  dir = join(home, '.claude_code');
  env = { HOME: home, CLAUDE_AUTH_DIR: dir, CLAUDE_CONFIG_DIR: join(home, '.claude') };
});

/** Every command that reads the login, with the exit code it gave. */
async function exitCodes(commandEnv: Record<string, string>) {
  const codes: Record<string, number | null> = {};
  for (const args of [['status'], ['status', '--json'], ['token'], ['refresh']])
    codes[args.join(' ')] = (await runCliProcess(args, commandEnv)).code;
  return codes;
}

const UNREADABLE = { status: 5, 'status --json': 5, token: 5, refresh: 5 };

describe('a login that exists but cannot be read now: exit 5 from every command, never "not logged in" (issue 19 defect 13)', () => {
  it('a token file others can read (0644), left as it is', async () => {
    const storage = new TokenStorage(join(dir, 'tokens.json'));
    await storage.saveToken(subscriptionToken());
    await chmod(storage.path, 0o644);
    expect(await exitCodes(env)).toEqual(UNREADABLE);
  });

  it('a Redis store that does not answer', async () => {
    const redisEnv = {
      ...env,
      CLAUDE_AUTH_STORE: 'redis://127.0.0.1:1',
      CLAUDE_AUTH_STORE_KEY: randomBytes(32).toString('base64'),
    };
    expect(await exitCodes(redisEnv)).toEqual(UNREADABLE);
  });

  it('a Redis record sealed with another store key, left as it is', async () => {
    redis = await RedisServer.start();
    const [key, otherKey] = [randomBytes(32), randomBytes(32)].map((bytes) =>
      bytes.toString('base64'),
    );
    for (const secret of [key, otherKey]) knownSecrets.add(secret as string);
    const redisEnv = { ...env, CLAUDE_AUTH_STORE: `redis://127.0.0.1:${redis.port}/0` };
    const login = await runCliProcess(
      ['login', '--with-token'],
      { ...redisEnv, CLAUDE_AUTH_STORE_KEY: key as string },
      `sk-ant-oat01-${'K'.repeat(90)}AA\n`,
    );
    expect(login.code).toBe(0);
    expect(await exitCodes({ ...redisEnv, CLAUDE_AUTH_STORE_KEY: otherKey as string })).toEqual(
      UNREADABLE,
    );
    expect(
      (await runCliProcess(['status'], { ...redisEnv, CLAUDE_AUTH_STORE_KEY: key as string })).code,
    ).toBe(0);
  });
});
