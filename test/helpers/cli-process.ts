import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { knownSecrets } from './tokens.js';

/** The built CLI, as users run it. */
export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** What one CLI run printed and how it ended. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `claude-auth` in a child process with exactly `env` (plus
 * PATH), feeding `stdin` when given. Rejects if the output holds any secret
 * the test process made (see `knownSecrets`), unless the command is `token`.
 */
export function runCliProcess(
  args: readonly string[],
  env: Record<string, string | undefined>,
  stdin?: string,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      // Every CLI run of the suite doubles as a secret-hygiene check: only `token` may print one.
      const leaked =
        args[0] === 'token'
          ? []
          : [...knownSecrets].filter(
              (secret) => stdout.includes(secret) || stderr.includes(secret),
            );
      if (leaked.length > 0)
        reject(new Error(`claude-auth ${args.join(' ')} printed ${leaked.length} secret(s)`));
      else resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin ?? '');
  });
}
