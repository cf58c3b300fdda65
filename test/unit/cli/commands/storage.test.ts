import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ExitCode, runCli } from '../../../../src/cli/run-cli.js';
import { TokenStorage } from '../../../../src/storage/token-storage.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { oauthToken } from '../../../helpers/tokens.js';

async function cli(env: NodeJS.ProcessEnv, ...argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => {
    out += chunk;
  });
  stderr.on('data', (chunk) => {
    err += chunk;
  });
  const code = await runCli(argv, { stdout, stderr, env });
  return { code, out, err };
}

describe('claude-auth storage', () => {
  it.each([
    [['storage'], /expected `storage copy` or `storage move`/],
    [['storage', 'clone', '--from', 'file', '--to', 'file'], /expected `storage copy`/],
    [['storage', 'copy', '--from', 'file'], /--from and --to are both required/],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const { code, err } = await cli({ CLAUDE_AUTH_DIR: await tempDir() }, ...argv);
    expect(code).toBe(ExitCode.USAGE);
    expect(err.split('\n')[0]).toMatch(message);
  });

  it('refuses to copy a credential onto itself; a Redis store without a key changes nothing', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    const empty = await cli(env, 'storage', 'copy', '--from', 'file', '--to', 'file', '--json');
    expect(empty.code).toBe(ExitCode.USAGE);
    expect(empty.err).toMatch(/name the same credential/);
    expect(JSON.parse(empty.out).error.code).toBe('CONFIG_INVALID');
    const nothing = await cli(
      { CLAUDE_AUTH_DIR: join(env.CLAUDE_AUTH_DIR, 'elsewhere') },
      'storage',
      'copy',
      '--from',
      'file',
      '--to',
      `file`,
      '--profile',
      'work',
    );
    expect(nothing.err).toMatch(/name the same credential/);
    // A Redis destination without a record key: the fix names the key, and the file stays.
    const token = oauthToken(60_000);
    await TokenStorage.forProfile({ env }).saveToken(token);
    const keyless = await cli(
      env,
      'storage',
      'move',
      '--from',
      'file',
      '--to',
      'redis://127.0.0.1:1/0',
    );
    expect(keyless.code).toBe(ExitCode.USAGE);
    expect(keyless.err).toMatch(/no key is configured[\s\S]*openssl rand -base64 32/);
    expect((await TokenStorage.forProfile({ env }).loadToken())?.accessToken).toBe(
      token.accessToken,
    );
  });
});
