import { describe, expect, it } from 'vitest';
import { runStatus, statusCommand } from '../../../../src/cli/commands/status.js';
import { ExitCode, runCli } from '../../../../src/cli/run-cli.js';
import { UsageError } from '../../../../src/cli/shared/command.js';
import { AuthErrorCode } from '../../../../src/errors/authentication-error.js';
import { TokenStorage } from '../../../../src/storage/token-storage.js';
import { parseCommandLine, recordingIO } from '../../../helpers/recording-io.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { oauthToken } from '../../../helpers/tokens.js';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  parseCommandLine(statusCommand, argv, { CLAUDE_AUTH_DIR: '/nonexistent', ...env });
const ONE = { active: { profile: 'default' }, all: false, store: {}, json: false };

async function cli(env: NodeJS.ProcessEnv, ...argv: string[]) {
  const { io, stdout, stderr } = recordingIO(env);
  const code = await runCli(argv, io);
  return { code, out: stdout(), err: stderr() };
}

describe('claude-auth status: parsing', () => {
  it.each([
    [[], {}, ONE],
    [['--json'], {}, { ...ONE, json: true }],
    [['-a'], {}, { ...ONE, all: true }],
    [['-p', 'work'], {}, { ...ONE, active: { profile: 'work' } }],
    [[], { CLAUDE_AUTH_PROFILE: 'ci' }, { ...ONE, active: { profile: 'ci' } }],
    [['--store', 'file'], {}, { ...ONE, store: { store: 'file', storeSource: '--store' } }],
  ])('%j (env %j) → %j', (argv, env, options) => {
    expect(parse(argv, env)).toEqual(options);
  });

  it('with --all, a bad CLAUDE_AUTH_PROFILE is kept as the problem to report after the listing', () => {
    const options = parse(['--all'], { CLAUDE_AUTH_PROFILE: '../bad' });
    expect(options.all).toBe(true);
    expect(options.active).toMatchObject({
      problem: { code: AuthErrorCode.CONFIG_INVALID, message: /CLAUDE_AUTH_PROFILE/ },
    });
  });

  it('without --all, a bad CLAUDE_AUTH_PROFILE is thrown', () => {
    expect(() => parse([], { CLAUDE_AUTH_PROFILE: '../bad' })).toThrow(/CLAUDE_AUTH_PROFILE/);
  });

  it.each([
    [['--all', '-p', 'work'], '--all and --profile exclude each other'],
    [['work'], /Unexpected argument 'work'/],
    [['--verbose'], "Unknown option '--verbose'"],
    // Not "no choice": an empty --store must not quietly give the file store over CLAUDE_AUTH_STORE.
    [['--store', ''], '--store needs a value'],
    [['--store='], '--store needs a value'],
  ])('%j is a usage error: %s', (argv, message) => {
    expect(() => parse(argv)).toThrow(UsageError);
    expect(() => parse(argv)).toThrow(message);
  });
});

describe('claude-auth status: run', () => {
  it('a valid login: the profile, its backend and why, the chain; exit 0', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    await TokenStorage.forProfile({ env }).saveToken(oauthToken(3_600_000));
    const { io, stdout } = recordingIO(env);
    expect(await runStatus(ONE, io)).toBe(ExitCode.OK);
    expect(stdout()).toMatch(
      /^Profile "default" \(active\)\n {2}✓ OAuth gateway token, valid until/,
    );
    expect(stdout()).toMatch(/Backend: file \(the default backend\)/);
    expect(stdout()).toMatch(/→ stored profile: used/);
  });

  it('not logged in: exit 3 and the fix', async () => {
    const { io, stdout } = recordingIO({ CLAUDE_AUTH_DIR: await tempDir() });
    expect(await runStatus(ONE, io)).toBe(ExitCode.NOT_LOGGED_IN);
    expect(stdout()).toMatch(/No credential is usable. To fix: claude-auth login\n$/);
  });

  it('--all --json lists every profile of the store', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    for (const profile of ['default', 'work'])
      await TokenStorage.forProfile({ env, profile }).saveToken(oauthToken(3_600_000));
    const { io, stdout } = recordingIO(env);
    expect(await runStatus({ ...ONE, all: true, json: true }, io)).toBe(ExitCode.OK);
    expect(
      JSON.parse(stdout()).profiles.map((p: { name: string; state: string }) => [p.name, p.state]),
    ).toEqual([
      ['default', 'valid'],
      ['work', 'valid'],
    ]);
  });
});

describe('claude-auth status: what chose the store', () => {
  it('names --store, not CLAUDE_AUTH_STORE, when --store chose the backend', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    await TokenStorage.forProfile({ env }).saveToken(oauthToken(3_600_000));
    const flag = await cli(env, 'status', '--json', '--store', 'file');
    expect(flag.code).toBe(ExitCode.OK);
    expect(JSON.parse(flag.out).profiles[0].store.reason).toBe('chosen by --store=file');
    const variable = await cli({ ...env, CLAUDE_AUTH_STORE: 'file' }, 'status', '--json');
    expect(JSON.parse(variable.out).profiles[0].store.reason).toBe(
      'chosen by CLAUDE_AUTH_STORE=file',
    );
  });

  it('an empty --store is a usage error (exit 2), not the file store over CLAUDE_AUTH_STORE', async () => {
    const run = await cli(
      { CLAUDE_AUTH_DIR: await tempDir(), CLAUDE_AUTH_STORE: 'redis://127.0.0.1:1' },
      'status',
      '--store',
      '',
    );
    expect(run.code).toBe(ExitCode.USAGE);
    expect(run.err).toContain('--store needs a value');
    expect(run.out).toBe('');
  });

  it('an unknown --store is a usage error naming --store', async () => {
    const run = await cli({ CLAUDE_AUTH_DIR: await tempDir() }, 'status', '--store', 'floppy');
    expect(run.code).toBe(ExitCode.USAGE);
    expect(run.err).toMatch(/^claude-auth status: --store names no credential store/);
  });
});
