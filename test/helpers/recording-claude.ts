import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { tempDir } from './temp-dir.js';

/** The real Claude Code binary the agent SDK bundles for this platform. */
export function bundledClaudePath(): string {
  const require = createRequire(import.meta.url);
  const pkg = `@anthropic-ai/claude-agent-sdk-${process.platform}-${process.arch}`;
  return join(dirname(require.resolve(`${pkg}/package.json`)), 'claude');
}

/** A launcher of the real Claude Code that records the environment it was started with. */
export interface RecordingClaude {
  /** The launcher's path (an executable script). */
  readonly path: string;
  /** The environment of the last start, or `undefined` if it never ran. */
  environment(): Promise<Record<string, string> | undefined>;
}

/**
 * A shell script that writes its environment (NUL-separated) to a file and
 * then execs the real bundled Claude Code: what the child received is read back
 * without changing what runs.
 */
export async function recordingClaude(): Promise<RecordingClaude> {
  const dir = await tempDir('recording-claude-');
  const path = join(dir, 'claude');
  const dump = join(dir, 'environment');
  await writeFile(path, `#!/bin/sh\nenv -0 > '${dump}'\nexec '${bundledClaudePath()}' "$@"\n`, {
    mode: 0o700,
  });
  return {
    path,
    async environment() {
      try {
        const text = await readFile(dump, 'utf8');
        return Object.fromEntries(
          text
            .split('\0')
            .filter(Boolean)
            .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
        );
      } catch {
        return undefined;
      }
    },
  };
}
