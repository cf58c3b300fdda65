import { describe, expect, it } from 'vitest';
import { ExitCode, runCli } from '../../../../src/cli/run-cli.js';
import { recordingIO } from '../../../helpers/recording-io.js';
import { tempDir } from '../../../helpers/temp-dir.js';

async function cli(env: NodeJS.ProcessEnv, ...argv: string[]) {
  const { io, stdout, stderr } = recordingIO(env);
  const code = await runCli(argv, io);
  return { code, out: stdout(), err: stderr() };
}

describe('claude-auth token', () => {
  it.each([[['--min-ttl', '-5']], [['--min-ttl=-5']]])(
    '%j is a usage error saying it takes seconds ≥ 0',
    async (flags) => {
      const run = await cli({ CLAUDE_AUTH_DIR: await tempDir() }, 'token', ...flags);
      expect(run.code).toBe(ExitCode.USAGE);
      expect(run.err.split('\n')[0]).toBe(
        'claude-auth token: --min-ttl takes a number of seconds ≥ 0, not "-5"',
      );
    },
  );
});
