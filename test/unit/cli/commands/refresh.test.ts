import { describe, expect, it } from 'vitest';
import { refreshCommand, runRefresh } from '../../../../src/cli/commands/refresh.js';
import { ExitCode } from '../../../../src/cli/run-cli.js';
import { UsageError } from '../../../../src/cli/shared/command.js';
import { AuthErrorCode } from '../../../../src/errors/authentication-error.js';
import { TokenStorage } from '../../../../src/storage/token-storage.js';
import { subscriptionToken } from '../../../helpers/claude-code-env.js';
import { parseCommandLine, recordingIO } from '../../../helpers/recording-io.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  parseCommandLine(refreshCommand, argv, { CLAUDE_AUTH_DIR: '/nonexistent', ...env });
const DEFAULTS = { profile: 'default', store: {}, force: false, json: false };

describe('claude-auth refresh: parsing', () => {
  it.each([
    [[], {}, DEFAULTS],
    [['--force'], {}, { ...DEFAULTS, force: true }],
    [['-f'], {}, { ...DEFAULTS, force: true }],
    [['--json'], {}, { ...DEFAULTS, json: true }],
    [['-p', 'work'], {}, { ...DEFAULTS, profile: 'work' }],
    [[], { CLAUDE_AUTH_PROFILE: 'ci' }, { ...DEFAULTS, profile: 'ci' }],
    [['--store', 'auto'], {}, { ...DEFAULTS, store: { store: 'auto', storeSource: '--store' } }],
  ])('%j (env %j) → %j', (argv, env, options) => {
    expect(parse(argv, env)).toEqual(options);
  });

  it.each([
    [['--force=yes'], /--force/],
    [['--all'], "Unknown option '--all'"],
    [['now'], /Unexpected argument 'now'/],
  ])('%j is a usage error: %s', (argv, message) => {
    expect(() => parse(argv)).toThrow(UsageError);
    expect(() => parse(argv)).toThrow(message);
  });
});

describe('claude-auth refresh: run', () => {
  it('a subscription token outside its renewal window: nothing to do without --force', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    const token = subscriptionToken();
    await TokenStorage.forProfile({ env }).saveToken(token);
    const { io, stdout, stderr } = recordingIO(env);
    expect(await runRefresh({ ...DEFAULTS, json: true }, io)).toBe(ExitCode.OK);
    expect(stderr()).toMatch(/nothing to do \(use --force to renew it now\)/);
    expect(JSON.parse(stdout())).toMatchObject({ profile: 'default', refreshed: false });
    expect(stdout()).not.toContain(token.accessToken);
  });

  it('not logged in is NOT_LOGGED_IN naming the login command of the profile', async () => {
    const { io } = recordingIO({ CLAUDE_AUTH_DIR: await tempDir() });
    await expect(runRefresh({ ...DEFAULTS, profile: 'work' }, io)).rejects.toMatchObject({
      code: AuthErrorCode.NOT_LOGGED_IN,
      fix: 'claude-auth login --profile work',
    });
  });
});
