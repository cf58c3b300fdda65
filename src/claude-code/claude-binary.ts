import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';

/** Environment variable naming the Claude Code binary to use. */
export const ENV_CLAUDE_BINARY = 'CLAUDE_AUTH_CLAUDE_PATH';

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The binary shipped in the agent SDK's platform package, if installed. */
function bundledBinary(): string[] {
  const require = createRequire(import.meta.url);
  const platform = `${process.platform}-${process.arch}`;
  const name = process.platform === 'win32' ? 'claude.exe' : 'claude';
  return [
    `@anthropic-ai/claude-agent-sdk-${platform}`,
    `@anthropic-ai/claude-agent-sdk-${platform}-musl`,
  ].flatMap((pkg) => {
    try {
      return [join(dirname(require.resolve(`${pkg}/package.json`)), name)];
    } catch {
      return [];
    }
  });
}

/**
 * Finds the official Claude Code binary: the explicit path, then
 * `$CLAUDE_AUTH_CLAUDE_PATH`, then the one shipped with
 * `@anthropic-ai/claude-agent-sdk`, then `claude` on `PATH`. The one resolver
 * for every start of Claude Code: the subscription login and every query (a
 * query's `options.pathToClaudeCodeExecutable` is its explicit path).
 *
 * @param options - An explicit path and the environment to read.
 * @throws {@link AuthenticationError} `CLI_NOT_FOUND` with the install command.
 */
export async function locateClaudeBinary(
  options: { path?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  const env = options.env ?? process.env;
  const explicit = options.path ?? env[ENV_CLAUDE_BINARY];
  if (explicit) {
    if (await isExecutable(explicit)) return explicit;
    throw new AuthenticationError(
      AuthErrorCode.CLI_NOT_FOUND,
      `The Claude Code binary ${explicit} does not exist or is not executable.`,
      {
        fix: `correct ${ENV_CLAUDE_BINARY}, or unset it to use the bundled binary`,
      },
    );
  }
  const onPath = (env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, 'claude'));
  for (const candidate of [...bundledBinary(), ...onPath])
    if (await isExecutable(candidate)) return candidate;
  throw new AuthenticationError(
    AuthErrorCode.CLI_NOT_FOUND,
    'The Claude Code binary was not found.',
    {
      fix: 'npm install @anthropic-ai/claude-agent-sdk   # or: npm install -g @anthropic-ai/claude-code',
    },
  );
}
