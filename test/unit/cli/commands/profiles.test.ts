import { describe, expect, it } from 'vitest';
import {
  type ProfilesCommandOptions,
  profilesCommand,
  runProfiles,
} from '../../../../src/cli/commands/profiles.js';
import { ExitCode } from '../../../../src/cli/run-cli.js';
import { activeProfile } from '../../../../src/cli/shared/active-profile.js';
import { UsageError } from '../../../../src/cli/shared/command.js';
import { TokenStorage } from '../../../../src/storage/token-storage.js';
import { parseCommandLine, recordingIO } from '../../../helpers/recording-io.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { oauthToken } from '../../../helpers/tokens.js';

const parse = (argv: string[]) => parseCommandLine(profilesCommand, argv, {});
const LIST: ProfilesCommandOptions = { action: { kind: 'list' }, store: {}, json: false };

describe('claude-auth profiles: parsing', () => {
  it.each([
    [[], LIST],
    [['--json'], { ...LIST, json: true }],
    [['use', 'work'], { ...LIST, action: { kind: 'use', name: 'work' } }],
    [['--store', 'file'], { ...LIST, store: { store: 'file', storeSource: '--store' } }],
  ])('%j → %j', (argv, options) => {
    expect(parse(argv)).toEqual(options);
  });

  it.each([
    [['use'], 'usage: claude-auth profiles use NAME'],
    [['use', 'a', 'b'], 'usage: claude-auth profiles use NAME'],
    [['list'], 'unknown action "list"'],
    [['--all'], "Unknown option '--all'"],
  ])('%j is a usage error: %s', (argv, message) => {
    expect(() => parse(argv)).toThrow(UsageError);
    expect(() => parse(argv)).toThrow(message);
  });
});

describe('claude-auth profiles: run', () => {
  it('use NAME makes it the profile every command then acts on', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    const { io, stderr } = recordingIO(env);
    expect(await runProfiles({ ...LIST, action: { kind: 'use', name: 'work' } }, io)).toBe(
      ExitCode.OK,
    );
    expect(stderr()).toBe('Profile "work" is now the default.\n');
    expect(activeProfile({}, env)).toEqual({ profile: 'work', chosenBy: 'profiles use' });
  });

  it('lists the profiles of the store, the default one marked', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    for (const profile of ['default', 'work'])
      await TokenStorage.forProfile({ env, profile }).saveToken(oauthToken(3_600_000));
    const text = recordingIO(env);
    expect(await runProfiles(LIST, text.io)).toBe(ExitCode.OK);
    expect(text.stdout()).toBe(
      `* ${'default'.padEnd(16)} ${'oauth'.padEnd(20)} valid\n  ${'work'.padEnd(16)} ${'oauth'.padEnd(20)} valid\n`,
    );
    const json = recordingIO(env);
    await runProfiles({ ...LIST, json: true }, json.io);
    expect(JSON.parse(json.stdout())).toEqual({
      defaultProfile: 'default',
      profiles: [
        { name: 'default', kind: 'oauth', state: 'valid' },
        { name: 'work', kind: 'oauth', state: 'valid' },
      ],
    });
  });

  it('no profiles yet: says how to log in', async () => {
    const { io, stdout } = recordingIO({ CLAUDE_AUTH_DIR: await tempDir() });
    expect(await runProfiles(LIST, io)).toBe(ExitCode.OK);
    expect(stdout()).toBe('No profiles yet. Log in with: claude-auth login\n');
  });
});
