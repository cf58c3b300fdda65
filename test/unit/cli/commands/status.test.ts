import { describe, expect, it } from 'vitest';
import { ExitCode, runCli } from '../../../../src/cli/run-cli.js';
import { TokenStorage } from '../../../../src/storage/token-storage.js';
import { recordingIO } from '../../../helpers/recording-io.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { oauthToken } from '../../../helpers/tokens.js';

async function cli(env: NodeJS.ProcessEnv, ...argv: string[]) {
  const { io, stdout, stderr } = recordingIO(env);
  const code = await runCli(argv, io);
  return { code, out: stdout(), err: stderr() };
}

describe('claude-auth status', () => {
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

  it('an unknown --store is a usage error naming --store', async () => {
    const run = await cli({ CLAUDE_AUTH_DIR: await tempDir() }, 'status', '--store', 'floppy');
    expect(run.code).toBe(ExitCode.USAGE);
    expect(run.err).toMatch(/^claude-auth status: --store names no credential store/);
  });
});
