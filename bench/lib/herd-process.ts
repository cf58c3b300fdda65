// One process of a cross-process herd bench, run to completion.
import { spawn } from 'node:child_process';

/**
 * Runs a herd child script with Node and returns what it printed: how many
 * refreshes that process made.
 *
 * @param args - The script and its arguments.
 * @param env - The child's environment (default this process's).
 */
export function runHerdChild(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ refreshes: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args], { stdio: ['ignore', 'pipe', 'inherit'], env });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('error', reject);
    // 'close', not 'exit': a child's stdout can still be unread when it has exited.
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`herd child exited ${code}`)),
    );
  });
}
