import { readFileSync } from 'node:fs';
import { AuthenticationError } from '../errors/authentication-error.js';
import { redactSecrets } from '../errors/redact.js';
import { assertProfileName } from '../profile/profile-paths.js';
import { type CliIO, processIO } from './shared/cli-io.js';
import { type Command, type Flags, parseCommandArgs, UsageError } from './shared/command.js';
import { ExitCode, exitCodeFor } from './shared/exit-codes.js';

export { ExitCode } from './shared/exit-codes.js';

/**
 * The commands, loaded only when run: `status` and `token` must start fast, so
 * nothing heavy (the agent SDK, the PTY, the browser opener) is imported up front.
 */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  login: {
    summary: 'Log in (Claude subscription, or your OAuth provider)',
    load: async () => (await import('./commands/login.js')).loginCommand,
  },
  logout: {
    summary: 'Remove stored credentials (and revoke them where possible)',
    load: async () => (await import('./commands/logout.js')).logoutCommand,
  },
  status: {
    summary: 'Show stored credentials and which one queries would use',
    load: async () => (await import('./commands/status.js')).statusCommand,
  },
  refresh: {
    summary: 'Refresh the stored credential now',
    load: async () => (await import('./commands/refresh.js')).refreshCommand,
  },
  token: {
    summary: 'Print a valid access token (for scripts and apiKeyHelper)',
    load: async () => (await import('./commands/token.js')).tokenCommand,
  },
  profiles: {
    summary: 'List profiles, or choose the default one',
    load: async () => (await import('./commands/profiles.js')).profilesCommand,
  },
  storage: {
    summary: 'Copy or move a login between stores (file, redis://…)',
    load: async () => (await import('./commands/storage.js')).storageCommand,
  },
  mcp: {
    summary: 'Log in to OAuth-protected MCP servers; headers for Claude Code',
    load: async () => (await import('./commands/mcp.js')).mcpCommand,
  },
};

const USAGE = `claude-auth — authentication for Claude Code

Usage:
  claude-auth <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, { summary }]) => `  ${name.padEnd(9)} ${summary}`)
  .join('\n')}

Options:
  -p, --profile NAME   The profile (account) to use; every command takes it
      --store STORE    Where credentials live: file (default) or redis://… (as CLAUDE_AUTH_STORE)
  -h, --help           Show help (also: claude-auth <command> --help)
  -v, --version        Show the version

Exit codes: 0 ok, 1 error, 2 usage, 3 not logged in, 4 re-login required,
5 the store cannot be read now (the login may exist), 130 cancelled.
`;

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return String(manifest.version);
}

/**
 * `--store` is `CLAUDE_AUTH_STORE` for this run: every command opens its
 * store from the environment, so one override reaches them all.
 */
function withStoreFlag(flags: Flags, io: CliIO): CliIO {
  const store = flags.store;
  if (typeof store !== 'string') return io;
  if (/^rediss?:\/\/[^/@]*:[^/@]*@/i.test(store))
    io.stderr.write(
      'claude-auth: warning: a password in --store is visible to other users of this machine (ps); put it in CLAUDE_AUTH_REDIS_PASSWORD_FILE instead.\n',
    );
  // Not spread: stdin stays a getter (processIO).
  return {
    stdout: io.stdout,
    stderr: io.stderr,
    get stdin() {
      return io.stdin;
    },
    env: { ...io.env, CLAUDE_AUTH_STORE: store },
  };
}

function wantsJson(args: readonly string[]): boolean {
  return args.includes('--json');
}

/**
 * Runs the CLI.
 *
 * @param argv - The arguments after the program name.
 * @param io - Streams and environment (default: the process's).
 * @returns The exit code.
 */
export async function runCli(argv: readonly string[], io: Partial<CliIO> = {}): Promise<number> {
  // Not spread: processIO's stdin is a getter, taken only when a command reads it.
  const own = processIO();
  const streams: CliIO = {
    stdout: io.stdout ?? own.stdout,
    stderr: io.stderr ?? own.stderr,
    get stdin() {
      return io.stdin ?? own.stdin;
    },
    env: io.env ?? own.env,
  };
  const [name, ...args] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    streams.stdout.write(USAGE);
    return ExitCode.OK;
  }
  if (name === '-v' || name === '--version') {
    streams.stdout.write(`${packageVersion()}\n`);
    return ExitCode.OK;
  }
  const entry = COMMANDS[name];
  if (entry === undefined) {
    streams.stderr.write(`claude-auth: unknown command "${name.slice(0, 60)}"\n\n${USAGE}`);
    return ExitCode.USAGE;
  }
  const command = await entry.load();
  try {
    const { flags, positionals } = parseCommandArgs(command, args);
    if (flags.help === true) {
      streams.stdout.write(command.help);
      return ExitCode.OK;
    }
    if (typeof flags.profile === 'string') assertProfileName(flags.profile);
    const io = withStoreFlag(flags, streams);
    return await command.run(command.parse(flags, positionals, io.env), io);
  } catch (error) {
    if (error instanceof UsageError) {
      streams.stderr.write(
        `claude-auth ${name}: ${redactSecrets(error.message)}\n\n${command.help}`,
      );
      return ExitCode.USAGE;
    }
    if (error instanceof AuthenticationError) {
      if (wantsJson(args))
        streams.stdout.write(`${JSON.stringify({ error: error.toJSON() }, null, 2)}\n`);
      streams.stderr.write(`claude-auth ${name}: ${error.message}\n`);
      return exitCodeFor(error.code);
    }
    streams.stderr.write(
      `claude-auth ${name}: unexpected error: ${redactSecrets(String((error as Error)?.stack ?? error))}\n`,
    );
    return ExitCode.ERROR;
  }
}
