import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The path of a child script in test/helpers/children. */
export function childScript(name: string): string {
  return fileURLToPath(new URL(`./children/${name}`, import.meta.url));
}

/** Starts `node script args…` with piped stdio. */
export function startNode(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): ChildProcess {
  return spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env });
}

/** Resolves with the first stdout line that satisfies `match`; rejects if the child exits first. */
export function waitForLine(
  child: ChildProcess,
  match: (line: string) => boolean = () => true,
): Promise<string> {
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`child exited (${code}) before the expected line; stderr: ${stderr}`));
    child.once('exit', onExit);
    lines.on('line', (line) => {
      if (match(line)) {
        child.off('exit', onExit);
        lines.close();
        resolve(line);
      }
    });
  });
}

/** Sends SIGKILL and waits until the child is gone. */
export async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

/**
 * Reads a child's stdout once, for several waits on it (one readline per
 * stream: a second one would miss what the first consumed).
 *
 * @returns `until(match)`: the first line so far or to come that satisfies
 *   `match`, rejecting if the child's output ends without one; `seen()`: every line so far.
 */
export function stdoutLines(child: ChildProcess): {
  until: (match: (line: string) => boolean) => Promise<string>;
  seen: () => readonly string[];
} {
  const seen: string[] = [];
  const waiters = new Set<{
    match: (line: string) => boolean;
    resolve: (line: string) => void;
    reject: (error: Error) => void;
  }>();
  let stderr = '';
  let closed: Error | undefined;
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    seen.push(line);
    for (const waiter of waiters) {
      if (waiter.match(line)) {
        waiters.delete(waiter);
        waiter.resolve(line);
      }
    }
  });
  // 'close' comes after every line of stdout was read.
  child.once('close', (code) => {
    closed = new Error(`child exited (${code}) before the expected line; stderr: ${stderr}`);
    for (const waiter of waiters) waiter.reject(closed);
    waiters.clear();
  });
  return {
    seen: () => seen,
    until: (match) => {
      const found = seen.find(match);
      if (found !== undefined) return Promise.resolve(found);
      if (closed !== undefined) return Promise.reject(closed);
      return new Promise((resolve, reject) => waiters.add({ match, resolve, reject }));
    },
  };
}
