import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import { runCliProcess } from '../../helpers/cli-process.js';
import { tempDir } from '../../helpers/temp-dir.js';

const TOKEN = `sk-ant-oat01-${'I'.repeat(90)}AA`;
let env: Record<string, string>;
let storage: TokenStorage;

beforeEach(async () => {
  const home = await tempDir('cli-import-');
  env = { HOME: home, CLAUDE_AUTH_DIR: join(home, '.claude_code') };
  storage = new TokenStorage(join(home, '.claude_code', 'tokens.json'));
});

describe('an imported subscription token has an unknown age (issue 19 defect 19)', () => {
  it.each([
    ['--with-token', ['login', '--with-token'], () => env, `${TOKEN}\n`],
    [
      '--from-env',
      ['login', '--from-env'],
      () => ({ ...env, CLAUDE_CODE_OAUTH_TOKEN: TOKEN }),
      undefined,
    ],
  ])(
    '%s records its age as unknown, and status says its expiry is only an upper bound',
    async (_how, args, loginEnv, stdin) => {
      expect((await runCliProcess(args, loginEnv(), stdin)).code).toBe(0);
      const stored = await storage.loadToken();
      expect(stored?.obtainedAt.getTime()).toBe(0);
      const report = JSON.parse((await runCliProcess(['status', '--json'], env)).stdout)
        .profiles[0];
      expect(report.state).toBe('valid');
      expect(report.warnings.join(' ')).toMatch(/real expiry is unknown.*at the latest/);
    },
  );

  it('re-importing the same token keeps the expiry recorded first', async () => {
    await runCliProcess(['login', '--with-token'], env, `${TOKEN}\n`);
    const first = (await storage.loadToken())?.expiresAt?.getTime();
    await runCliProcess(['login', '--with-token'], env, `${TOKEN}\n`);
    await runCliProcess(['login', '--from-env'], { ...env, CLAUDE_CODE_OAUTH_TOKEN: TOKEN });
    expect((await storage.loadToken())?.expiresAt?.getTime()).toBe(first);
  });
});
