import { describe, expect, it } from 'vitest';
import { subscriptionAuthToken } from '../../../../src/claude-code/subscription-token.js';
import { runToken, tokenCommand } from '../../../../src/cli/commands/token.js';
import { ExitCode, runCli } from '../../../../src/cli/run-cli.js';
import { UsageError } from '../../../../src/cli/shared/command.js';
import { AuthErrorCode } from '../../../../src/errors/authentication-error.js';
import { TokenStorage } from '../../../../src/storage/token-storage.js';
import { parseCommandLine, recordingIO } from '../../../helpers/recording-io.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { oauthToken } from '../../../helpers/tokens.js';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  parseCommandLine(tokenCommand, argv, { CLAUDE_AUTH_DIR: '/nonexistent', ...env });

describe('claude-auth token: parsing', () => {
  it.each([
    [[], {}, { profile: 'default', store: {} }],
    [['-p', 'work'], {}, { profile: 'work', store: {} }],
    [['--profile', 'work'], { CLAUDE_AUTH_PROFILE: 'ci' }, { profile: 'work', store: {} }],
    [[], { CLAUDE_AUTH_PROFILE: 'ci' }, { profile: 'ci', store: {} }],
    [['--min-ttl', '60'], {}, { profile: 'default', store: {}, minTtlMs: 60_000 }],
    [['--min-ttl=1.5'], {}, { profile: 'default', store: {}, minTtlMs: 1500 }],
    [['--min-ttl', '0'], {}, { profile: 'default', store: {}, minTtlMs: 0 }],
    [
      ['--store', 'file'],
      {},
      { profile: 'default', store: { store: 'file', storeSource: '--store' } },
    ],
  ])('%j (env %j) → %j', (argv, env, options) => {
    expect(parse(argv, env)).toEqual(options);
  });

  it.each([
    [['--min-ttl', '-5'], '--min-ttl takes a number of seconds ≥ 0, not "-5"'],
    [['--min-ttl=-5'], '--min-ttl takes a number of seconds ≥ 0, not "-5"'],
    [['--min-ttl', 'soon'], '--min-ttl takes a number of seconds ≥ 0, not "soon"'],
    [['--min-ttl', '1e3'], '--min-ttl takes a number of seconds ≥ 0, not "1e3"'],
    [['--min-ttl'], "Option '--min-ttl <value>' argument missing"],
    [['--bogus'], "Unknown option '--bogus'"],
    [['extra'], /Unexpected argument 'extra'/],
  ])('%j is a usage error: %s', (argv, message) => {
    const error = (() => {
      try {
        parse(argv);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
  });

  it('a bad CLAUDE_AUTH_PROFILE is CONFIG_INVALID naming the variable', () => {
    expect(() => parse([], { CLAUDE_AUTH_PROFILE: '../x' })).toThrow(
      expect.objectContaining({
        code: AuthErrorCode.CONFIG_INVALID,
        message: expect.stringContaining('CLAUDE_AUTH_PROFILE'),
      }),
    );
  });
});

describe('claude-auth token: run', () => {
  it('prints only the stored access token on stdout', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    const token = oauthToken(3_600_000);
    await TokenStorage.forProfile({ env, profile: 'work' }).saveToken(token);
    const { io, stdout, stderr } = recordingIO(env);
    expect(await runToken({ profile: 'work', store: {} }, io)).toBe(ExitCode.OK);
    expect(stdout()).toBe(`${token.accessToken}\n`);
    expect(stderr()).toBe('');
  });

  it('a --min-ttl longer than the tokens live prints nothing and refreshes nothing', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    const token = oauthToken(600_000);
    await TokenStorage.forProfile({ env }).saveToken(token);
    const { io, stdout } = recordingIO(env);
    await expect(
      runToken({ profile: 'default', store: {}, minTtlMs: 3_600_000 }, io),
    ).rejects.toMatchObject({ code: AuthErrorCode.CONFIG_INVALID });
    expect(stdout()).toBe('');
    expect((await TokenStorage.forProfile({ env }).loadToken())?.accessToken).toBe(
      token.accessToken,
    );
  });

  it('a --min-ttl longer than a subscription token can ever live names both and offers no renewal', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    // Brought by the user (`login --with-token`): its age, so its lifetime, is unknown.
    const token = subscriptionAuthToken(`sk-ant-oat01-${'a'.repeat(80)}`, Date.now(), 'unknown');
    await TokenStorage.forProfile({ env }).saveToken(token);
    const { io, stdout } = recordingIO(env);
    await expect(
      runToken({ profile: 'default', store: {}, minTtlMs: 40_000_000_000 }, io),
    ).rejects.toMatchObject({
      code: AuthErrorCode.CONFIG_INVALID,
      summary:
        'Subscription tokens live 365 days (31536000 s): --min-ttl 40000000 is longer, so it cannot be met and no token was printed.',
      // Not `refresh --force`: a renewed token lives one year too.
      fix: 'ask for at most 15768000 s',
    });
    expect(stdout()).toBe('');
  });

  it('a --min-ttl a renewed subscription token meets offers the renewal', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    const twoDaysAgo = Date.now() - 2 * 86_400_000;
    const token = subscriptionAuthToken(`sk-ant-oat01-${'a'.repeat(80)}`, twoDaysAgo, 'unknown');
    await TokenStorage.forProfile({ env }).saveToken(token);
    const { io } = recordingIO(env);
    await expect(
      runToken({ profile: 'default', store: {}, minTtlMs: 364 * 86_400_000 }, io),
    ).rejects.toMatchObject({
      code: AuthErrorCode.CONFIG_INVALID,
      summary: expect.stringMatching(
        /^The current token of this profile has 362 days left: --min-ttl 31449600 cannot be met/,
      ),
      fix: expect.stringContaining('claude-auth refresh --force'),
    });
  });

  it('not logged in is NOT_LOGGED_IN', async () => {
    const { io } = recordingIO({ CLAUDE_AUTH_DIR: await tempDir() });
    await expect(runToken({ profile: 'default', store: {} }, io)).rejects.toMatchObject({
      code: AuthErrorCode.NOT_LOGGED_IN,
    });
  });
});

describe('claude-auth token: through runCli', () => {
  it.each([[['--min-ttl', '-5']], [['--min-ttl=-5']]])(
    '%j is a usage error saying it takes seconds ≥ 0 (exit 2)',
    async (flags) => {
      const { io, stderr } = recordingIO({ CLAUDE_AUTH_DIR: await tempDir() });
      expect(await runCli(['token', ...flags], io)).toBe(ExitCode.USAGE);
      expect(stderr().split('\n')[0]).toBe(
        'claude-auth token: --min-ttl takes a number of seconds ≥ 0, not "-5"',
      );
    },
  );
});
