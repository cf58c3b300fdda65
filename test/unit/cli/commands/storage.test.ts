import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  runStorage,
  type StorageCommandOptions,
  storageCommand,
} from '../../../../src/cli/commands/storage.js';
import { ExitCode, runCli } from '../../../../src/cli/run-cli.js';
import { UsageError } from '../../../../src/cli/shared/command.js';
import { TokenStorage } from '../../../../src/storage/token-storage.js';
import { parseCommandLine, recordingIO } from '../../../helpers/recording-io.js';
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

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  parseCommandLine(storageCommand, argv, { CLAUDE_AUTH_DIR: '/nonexistent', ...env });
const COPY: StorageCommandOptions = {
  action: 'copy',
  from: 'file',
  to: 'keychain',
  target: { all: false, profile: 'default' },
  replace: false,
  json: false,
};

describe('claude-auth storage: parsing', () => {
  const base = ['--from', 'file', '--to', 'keychain'];
  it.each([
    [['copy', ...base], {}, COPY],
    [['move', ...base], {}, { ...COPY, action: 'move' }],
    [['copy', ...base, '-p', 'work'], {}, { ...COPY, target: { all: false, profile: 'work' } }],
    [
      ['copy', ...base],
      { CLAUDE_AUTH_PROFILE: 'ci' },
      { ...COPY, target: { all: false, profile: 'ci' } },
    ],
    [
      ['copy', ...base, '--all'],
      { CLAUDE_AUTH_PROFILE: '../bad' },
      { ...COPY, target: { all: true } },
    ],
    [['copy', ...base, '--replace', '--json'], {}, { ...COPY, replace: true, json: true }],
  ])('%j (env %j) → %j', (argv, env, options) => {
    expect(parse(argv, env)).toEqual(options);
  });

  it.each([
    [[], 'expected `storage copy` or `storage move`'],
    [['clone', '--from', 'file', '--to', 'file'], 'expected `storage copy` or `storage move`'],
    [
      ['copy', 'extra', '--from', 'file', '--to', 'file'],
      'expected `storage copy` or `storage move`',
    ],
    [['copy', '--from', 'file'], '--from and --to are both required'],
    [['copy', '--to', 'file'], '--from and --to are both required'],
    [
      ['copy', '--from', 'file', '--to', 'auto', '--all', '-p', 'w'],
      '--all and --profile exclude each other',
    ],
    [['copy', '--from'], "Option '--from <value>' argument missing"],
  ])('%j is a usage error: %s', (argv, message) => {
    expect(() => parse(argv)).toThrow(UsageError);
    expect(() => parse(argv)).toThrow(message);
  });
});

describe('claude-auth storage: run', () => {
  it('a Redis destination without a store key: CONFIG_INVALID naming --to, the source untouched', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    const token = oauthToken(60_000);
    await TokenStorage.forProfile({ env }).saveToken(token);
    const { io } = recordingIO(env);
    await expect(
      runStorage({ ...COPY, action: 'move', to: 'redis://127.0.0.1:1/0' }, io),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    expect((await TokenStorage.forProfile({ env }).loadToken())?.accessToken).toBe(
      token.accessToken,
    );
  });

  it('--all from an empty store says so and exits 0', async () => {
    const { io, stderr } = recordingIO({ CLAUDE_AUTH_DIR: await tempDir() });
    expect(await runStorage({ ...COPY, to: 'file', target: { all: true } }, io)).toBe(ExitCode.OK);
    expect(stderr()).toBe('No profiles in file.\n');
  });

  it('an unknown --from is named as --from', async () => {
    const { io } = recordingIO({ CLAUDE_AUTH_DIR: await tempDir() });
    await expect(runStorage({ ...COPY, from: 'floppy' }, io)).rejects.toThrow(
      /^--from names no credential store/,
    );
  });
});
