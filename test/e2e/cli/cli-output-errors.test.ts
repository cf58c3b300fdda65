import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import { CLI } from '../../helpers/cli-process.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { oauthToken } from '../../helpers/tokens.js';

describe('claude-auth when its output cannot be written', () => {
  it('`status >/dev/full`: one line of error, no stack, exit 1', async () => {
    const home = await tempDir('cli-output-');
    const env = { HOME: home, CLAUDE_AUTH_DIR: join(home, '.claude_code') };
    await TokenStorage.forProfile({ env }).saveToken(oauthToken(3_600_000));
    const full = openSync('/dev/full', 'w');
    const child = spawn(process.execPath, [CLI, 'status'], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', full, 'pipe'],
    });
    closeSync(full);
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const [code] = await once(child, 'close');
    expect(stderr).toBe('claude-auth: cannot write to stdout: no space left on device (ENOSPC)\n');
    expect(code).toBe(1);
  });

  it.each([
    ['`token` (answered before the CLI loads)', ['token']],
    ['`token --min-ttl 0` (the CLI)', ['token', '--min-ttl', '0']],
  ])('%s >/dev/full: one line of error, exit 1', async (_, argv) => {
    const home = await tempDir('cli-output-');
    const env = { HOME: home, CLAUDE_AUTH_DIR: join(home, '.claude_code') };
    await TokenStorage.forProfile({ env }).saveToken(oauthToken(3_600_000));
    const full = openSync('/dev/full', 'w');
    const child = spawn(process.execPath, [CLI, ...argv], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', full, 'pipe'],
    });
    closeSync(full);
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const [code] = await once(child, 'close');
    expect(stderr).toBe('claude-auth: cannot write to stdout: no space left on device (ENOSPC)\n');
    expect(code).toBe(1);
  });

  it('`token` to a reader that went away: no error, exit 0', async () => {
    const home = await tempDir('cli-output-');
    const env = { HOME: home, CLAUDE_AUTH_DIR: join(home, '.claude_code') };
    await TokenStorage.forProfile({ env }).saveToken(oauthToken(3_600_000));
    const child = spawn(process.execPath, [CLI, 'token'], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The reading end closed before anything is written: the write fails with EPIPE.
    child.stdout?.destroy();
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const [code] = await once(child, 'close');
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it.each([
    ['a reader that went away (EPIPE): silent, exit 0', 'gone', 0],
    ['a full disk (ENOSPC): exit 1, the token still printed', 'full', 1],
  ] as const)(
    'a write error on stderr from code that writes to process.stderr itself (auto falling back to the file): %s',
    async (_, stderrIs, exitCode) => {
      const home = await tempDir('cli-output-');
      const env = { HOME: home, CLAUDE_AUTH_DIR: join(home, '.claude_code') };
      const token = oauthToken(3_600_000);
      await TokenStorage.forProfile({ env }).saveToken(token);
      const full = openSync('/dev/full', 'w');
      // auto without a D-Bus session: the file, announced once on stderr (keychain-selection).
      const child = spawn(process.execPath, [CLI, 'token'], {
        env: { PATH: process.env.PATH, ...env, CLAUDE_AUTH_STORE: 'auto' },
        stdio: ['ignore', 'pipe', stderrIs === 'full' ? full : 'pipe'],
      });
      closeSync(full);
      child.stderr?.destroy();
      let stdout = '';
      child.stdout?.on('data', (chunk) => {
        stdout += chunk;
      });
      const [code] = await once(child, 'close');
      expect(stdout).toBe(`${token.accessToken}\n`);
      expect(code).toBe(exitCode);
    },
  );
});
