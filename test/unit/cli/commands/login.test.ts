import { describe, expect, it } from 'vitest';
import { loginCommand, runLogin } from '../../../../src/cli/commands/login.js';
import { ExitCode } from '../../../../src/cli/run-cli.js';
import { UsageError } from '../../../../src/cli/shared/command.js';
import { AuthErrorCode } from '../../../../src/errors/authentication-error.js';
import { TokenStorage } from '../../../../src/storage/token-storage.js';
import { parseCommandLine, recordingIO } from '../../../helpers/recording-io.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const PROVIDER = {
  CLAUDE_OAUTH_CLIENT_ID: 'cli-test',
  CLAUDE_OAUTH_ISSUER: 'https://issuer.example',
};
const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  parseCommandLine(loginCommand, argv, { CLAUDE_AUTH_DIR: '/nonexistent', ...env });
const TOKEN = `sk-ant-oat01-${'C'.repeat(90)}AA`;

describe('claude-auth login: parsing', () => {
  it.each([
    [[], {}, { method: 'subscription', profile: 'default', device: false, noBrowser: false }],
    [[], PROVIDER, { method: 'provider' }],
    [['--provider'], PROVIDER, { method: 'provider' }],
    [['--device'], PROVIDER, { method: 'provider', device: true }],
    [['--no-browser'], PROVIDER, { method: 'provider', noBrowser: true }],
    [['--with-token'], {}, { method: 'with-token' }],
    // A token given wins over a configured provider, and --with-token over --from-env.
    [['--with-token'], PROVIDER, { method: 'with-token' }],
    [['--from-env'], {}, { method: 'from-env' }],
    [['--from-env', '--with-token'], {}, { method: 'with-token' }],
    [['--timeout', '30'], {}, { timeoutMs: 30_000 }],
    [['-p', 'work', '--json'], {}, { profile: 'work', json: true }],
    [[], { CLAUDE_AUTH_PROFILE: 'ci' }, { profile: 'ci' }],
    [['--store', 'file'], {}, { store: { store: 'file', storeSource: '--store' } }],
  ])('%j (env %j) → %j', (argv, env, options) => {
    expect(parse(argv, env)).toMatchObject(options);
  });

  it('without a provider, config is undefined; with one, it is the configured client', () => {
    expect(parse([]).config).toBeUndefined();
    expect(parse([], PROVIDER).config).toMatchObject({ clientId: 'cli-test' });
  });

  it.each([
    [['--device'], '--device and --no-browser apply to an OAuth provider'],
    [['--no-browser'], '--device and --no-browser apply to an OAuth provider'],
    [['--timeout', '-1'], '--timeout takes a number of seconds ≥ 0, not "-1"'],
    [['--timeout', 'never'], '--timeout takes a number of seconds ≥ 0, not "never"'],
    [['--with-token', 'sk-ant'], /Unexpected argument/],
  ])('%j is a usage error: %s', (argv, message) => {
    expect(() => parse(argv)).toThrow(UsageError);
    expect(() => parse(argv)).toThrow(message);
  });

  it('--provider without a configured provider is CONFIG_INVALID naming the variables', () => {
    expect(() => parse(['--provider'])).toThrow(
      expect.objectContaining({
        code: AuthErrorCode.CONFIG_INVALID,
        message: expect.stringContaining('CLAUDE_OAUTH_CLIENT_ID'),
      }),
    );
  });
});

describe('claude-auth login: run', () => {
  it('--with-token stores the token from stdin into the profile; --json shows no secret', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    const { io, stdout, stderr } = recordingIO(env, `${TOKEN}\n`);
    const options = parse(['--with-token', '-p', 'work', '--json'], env);
    expect(await runLogin(options, io)).toBe(ExitCode.OK);
    expect(stderr()).toMatch(
      /^✓ Logged in to profile "work": Claude subscription token, valid until/,
    );
    expect(JSON.parse(stdout())).toMatchObject({
      profile: 'work',
      credential: { kind: 'claude-subscription' },
    });
    expect(stdout() + stderr()).not.toContain(TOKEN);
    const stored = await TokenStorage.forProfile({ env, profile: 'work' }).loadToken();
    expect(stored?.accessToken).toBe(TOKEN);
  });

  it('--from-env stores CLAUDE_CODE_OAUTH_TOKEN', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir(), CLAUDE_CODE_OAUTH_TOKEN: TOKEN };
    const { io } = recordingIO(env);
    expect(await runLogin(parse(['--from-env'], env), io)).toBe(ExitCode.OK);
    expect((await TokenStorage.forProfile({ env }).loadToken())?.accessToken).toBe(TOKEN);
  });

  it('--from-env refuses a variable that is not one token alone, naming the variable and never echoing it', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir(), CLAUDE_CODE_OAUTH_TOKEN: `${TOKEN} x` };
    const { io } = recordingIO(env);
    const failure = runLogin(parse(['--from-env'], env), io);
    await expect(failure).rejects.toMatchObject({
      code: AuthErrorCode.CONFIG_INVALID,
      summary: expect.stringMatching(/^CLAUDE_CODE_OAUTH_TOKEN does not hold/),
      fix: expect.stringContaining('CLAUDE_CODE_OAUTH_TOKEN'),
    });
    await expect(failure).rejects.not.toMatchObject({ message: expect.stringContaining(TOKEN) });
    expect(await TokenStorage.forProfile({ env }).loadToken()).toBeNull();
  });

  it('--with-token refuses stdin without a token, storing nothing', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    const { io } = recordingIO(env, 'not a token\n');
    await expect(runLogin(parse(['--with-token'], env), io)).rejects.toMatchObject({
      code: AuthErrorCode.CONFIG_INVALID,
    });
    expect(await TokenStorage.forProfile({ env }).loadToken()).toBeNull();
  });
});
