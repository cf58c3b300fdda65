import { readFileSync } from 'node:fs';

/** Exit codes of `claude-auth`; documented in the README. */
export const ExitCode = {
  OK: 0,
  ERROR: 1,
  USAGE: 2,
} as const;

const USAGE = `claude-auth — authentication for Claude Code

Usage:
  claude-auth <command> [options]

Commands:
  login     Log in (Claude subscription via the official CLI, or your OAuth provider)
  logout    Remove stored credentials
  status    Show which credential would be used and its state
  refresh   Refresh the stored credential now
  token     Print a valid access token (for scripts and apiKeyHelper)

Options:
  -h, --help       Show help
  -v, --version    Show the version
`;

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return String(manifest.version);
}

/**
 * Runs the CLI with the given arguments.
 *
 * @param argv - The arguments after the program name.
 * @param io - Where output goes.
 * @returns The exit code.
 */
export async function runCli(
  argv: readonly string[],
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream } = process,
): Promise<number> {
  const [first] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    io.stdout.write(USAGE);
    return ExitCode.OK;
  }
  if (first === '-v' || first === '--version') {
    io.stdout.write(`${packageVersion()}\n`);
    return ExitCode.OK;
  }
  io.stderr.write(`claude-auth: unknown command "${first}"\n\n${USAGE}`);
  return ExitCode.USAGE;
}
