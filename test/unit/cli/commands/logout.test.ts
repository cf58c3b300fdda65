import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logoutCommand, runLogout } from '../../../../src/cli/commands/logout.js';
import { ExitCode, runCli } from '../../../../src/cli/run-cli.js';
import { UsageError } from '../../../../src/cli/shared/command.js';
import { TokenStorage } from '../../../../src/storage/token-storage.js';
import { parseCommandLine, recordingIO } from '../../../helpers/recording-io.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { oauthToken } from '../../../helpers/tokens.js';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  parseCommandLine(logoutCommand, argv, { CLAUDE_AUTH_DIR: '/nonexistent', ...env });
const ONE = { target: { all: false, profile: 'default' }, store: {}, force: false, json: false };

describe('claude-auth logout: parsing', () => {
  it.each([
    [[], {}, ONE],
    [['-p', 'work'], {}, { ...ONE, target: { all: false, profile: 'work' } }],
    [[], { CLAUDE_AUTH_PROFILE: 'ci' }, { ...ONE, target: { all: false, profile: 'ci' } }],
    [['--all'], {}, { ...ONE, target: { all: true } }],
    // --all resolves no profile: a bad CLAUDE_AUTH_PROFILE does not stop it.
    [['-a'], { CLAUDE_AUTH_PROFILE: '../bad' }, { ...ONE, target: { all: true } }],
    [['--force'], {}, { ...ONE, force: true }],
    [['-f', '--json'], {}, { ...ONE, force: true, json: true }],
    [['--store', 'file'], {}, { ...ONE, store: { store: 'file', storeSource: '--store' } }],
  ])('%j (env %j) → %j', (argv, env, options) => {
    expect(parse(argv, env)).toEqual(options);
  });

  it.each([
    [['--all', '-p', 'work'], '--all and --profile exclude each other'],
    [['--profile', 'work', '--all'], '--all and --profile exclude each other'],
    [['work'], /Unexpected argument 'work'/],
    [['--revoke'], "Unknown option '--revoke'"],
  ])('%j is a usage error: %s', (argv, message) => {
    expect(() => parse(argv)).toThrow(UsageError);
    expect(() => parse(argv)).toThrow(message);
  });
});

describe('claude-auth logout: run', () => {
  it('removes a readable login; the provider names no revocation endpoint, which it says', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    await TokenStorage.forProfile({ env }).saveToken(oauthToken(3_600_000));
    const { io, stdout, stderr } = recordingIO(env);
    expect(await runLogout({ ...ONE, json: true }, io)).toBe(ExitCode.OK);
    expect(JSON.parse(stdout())).toEqual([
      { profile: 'default', removed: true, revoked: false, revocationUnavailable: true },
    ]);
    expect(stderr()).toMatch(/Nothing was revoked: the provider names no revocation endpoint/);
    expect(existsSync(join(env.CLAUDE_AUTH_DIR, 'tokens.json'))).toBe(false);
  });

  it('a profile that is not logged in: says so, exit 0', async () => {
    const { io, stderr } = recordingIO({ CLAUDE_AUTH_DIR: await tempDir() });
    expect(await runLogout({ ...ONE, target: { all: false, profile: 'work' } }, io)).toBe(
      ExitCode.OK,
    );
    expect(stderr()).toBe('Profile "work" was not logged in.\n');
  });

  it('--all logs out every profile the store lists, and goes on past one it cannot read', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    for (const profile of ['default', 'work', 'ci'])
      await TokenStorage.forProfile({ env, profile }).saveToken(oauthToken(3_600_000));
    await chmod(join(env.CLAUDE_AUTH_DIR, 'work.json'), 0o644);
    const { io, stdout } = recordingIO(env);
    expect(await runLogout({ ...ONE, target: { all: true }, json: true }, io)).toBe(ExitCode.ERROR);
    expect(JSON.parse(stdout())).toMatchObject([
      { profile: 'default', removed: true },
      { profile: 'ci', removed: true },
      { profile: 'work', removed: false, error: { code: 'STORAGE_INSECURE' } },
    ]);
    expect(existsSync(join(env.CLAUDE_AUTH_DIR, 'work.json'))).toBe(true);
  });
});

async function cli(env: NodeJS.ProcessEnv, ...argv: string[]) {
  const { io, stdout, stderr } = recordingIO(env);
  const code = await runCli(argv, io);
  return { code, out: stdout(), err: stderr() };
}

/** A profile directory whose default login exists but cannot be read, made by `spoil`. */
async function unreadableLogin(spoil: (file: string) => Promise<void>) {
  const env = { CLAUDE_AUTH_DIR: await tempDir() };
  await TokenStorage.forProfile({ env }).saveToken(oauthToken(3_600_000));
  const file = join(env.CLAUDE_AUTH_DIR, 'tokens.json');
  await spoil(file);
  return { env, file };
}

const SPOILED: ReadonlyArray<[string, (file: string) => Promise<void>, string]> = [
  ['readable by others (0644)', (file) => chmod(file, 0o644), 'STORAGE_INSECURE'],
  ['corrupt JSON', (file) => writeFile(file, '{"kind":', { mode: 0o600 }), 'STORAGE_CORRUPT'],
  [
    'a FIFO',
    async (file) => {
      await rm(file);
      execFileSync('mkfifo', ['-m', '600', file]);
    },
    'STORAGE_CORRUPT',
  ],
];

describe('claude-auth logout of a login it cannot read', () => {
  it.each(SPOILED)(
    '%s: says it could not revoke, exits 5 and leaves the login in place',
    async (_, spoil, code) => {
      const { env, file } = await unreadableLogin(spoil);
      const run = await cli(env, 'logout', '--json');
      expect(run.code).toBe(ExitCode.STORE_UNREADABLE);
      expect(run.err).toMatch(/could not be read/);
      expect(run.err).toMatch(/its tokens could not be revoked; it was left in place/);
      expect(run.err).toMatch(/logout --force/);
      expect(JSON.parse(run.out).error.code).toBe(code);
      expect(existsSync(file)).toBe(true);
    },
  );

  it.each(SPOILED)(
    '%s: --force deletes it, saying it was not revoked (exit 0)',
    async (_, spoil) => {
      const { env, file } = await unreadableLogin(spoil);
      const run = await cli(env, 'logout', '--force', '--json');
      expect(run.code).toBe(ExitCode.OK);
      expect(existsSync(file)).toBe(false);
      expect(run.err).toMatch(/not revoked|without being revoked/);
      expect(JSON.parse(run.out)).toMatchObject([
        { profile: 'default', removed: true, revoked: false },
      ]);
    },
  );
});
