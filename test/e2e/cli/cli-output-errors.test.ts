import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import { CLI } from '../../helpers/cli-process.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { oauthToken } from '../../helpers/tokens.js';

/** Where one of the built CLI's outputs goes: a pipe, `/dev/full`, or a pipe whose reader is gone. */
type OutputTarget = 'pipe' | 'full' | 'gone';

/**
 * Runs the built CLI on a home holding a fresh token, its stdout and stderr
 * sent where asked; returns what the live pipes received and the exit code.
 */
async function runWithOutputs(
  argv: string[],
  targets: { stdout: OutputTarget; stderr: OutputTarget },
  extraEnv: Record<string, string> = {},
) {
  const home = await tempDir('cli-output-');
  const env = { HOME: home, CLAUDE_AUTH_DIR: join(home, '.claude_code') };
  const token = oauthToken(3_600_000);
  await TokenStorage.forProfile({ env }).saveToken(token);
  const full = openSync('/dev/full', 'w');
  const stdio = (target: OutputTarget) => (target === 'full' ? full : 'pipe');
  const child = spawn(process.execPath, [CLI, ...argv], {
    env: { PATH: process.env.PATH, ...env, ...extraEnv },
    stdio: ['ignore', stdio(targets.stdout), stdio(targets.stderr)],
  });
  closeSync(full);
  // The reading end closed before anything is written: a write fails with EPIPE.
  if (targets.stdout === 'gone') child.stdout?.destroy();
  if (targets.stderr === 'gone') child.stderr?.destroy();
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const [code] = await once(child, 'close');
  return { code, stdout, stderr, token };
}

const NO_SPACE = 'claude-auth: cannot write to stdout: no space left on device (ENOSPC)\n';

describe('claude-auth when its output cannot be written', () => {
  it('`status >/dev/full`: one line of error, no stack, exit 1', async () => {
    const run = await runWithOutputs(['status'], { stdout: 'full', stderr: 'pipe' });
    expect(run.stderr).toBe(NO_SPACE);
    expect(run.code).toBe(1);
  });

  it.each([
    ['`token` (answered before the CLI loads)', ['token']],
    ['`token --min-ttl 0` (the CLI)', ['token', '--min-ttl', '0']],
  ])('%s >/dev/full: one line of error, exit 1', async (_, argv) => {
    const run = await runWithOutputs(argv, { stdout: 'full', stderr: 'pipe' });
    expect(run.stderr).toBe(NO_SPACE);
    expect(run.code).toBe(1);
  });

  it('`token` to a reader that went away: no error, exit 0', async () => {
    const run = await runWithOutputs(['token'], { stdout: 'gone', stderr: 'pipe' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it.each([
    ['a reader that went away (EPIPE): silent, exit 0', 'gone', 0],
    ['a full disk (ENOSPC): exit 1, the token still printed', 'full', 1],
  ] as const)(
    'a write error on stderr from code that writes to process.stderr itself (auto falling back to the file): %s',
    async (_, stderr, exitCode) => {
      // auto without a D-Bus session: the file, announced once on stderr (keychain-selection).
      const run = await runWithOutputs(
        ['token'],
        { stdout: 'pipe', stderr },
        { CLAUDE_AUTH_STORE: 'auto' },
      );
      expect(run.stdout).toBe(`${run.token.accessToken}\n`);
      expect(run.code).toBe(exitCode);
    },
  );
});
