import type { CliIO } from '../shared/cli-io.js';
import {
  type Command,
  type Flags,
  secondsFlag,
  stringFlag,
  UsageError,
} from '../shared/command.js';
import { ExitCode } from '../shared/exit-codes.js';

const HELP = `Log in to OAuth-protected MCP servers once, then hand their tokens to
Claude Code (a headersHelper) without a person: refreshed under the one refresh
policy, one refresh across processes and machines.

Usage:
  claude-auth mcp login NAME URL [--client-id ID] [--client-secret-file FILE]
                                 [--client-metadata-url URL] [--scopes "A B"]
                                 [--no-browser | --device] [--timeout S] [--json]
  claude-auth mcp login NAME URL --client-credentials --client-id ID
                                 [--client-secret-file FILE | --client-assertion-key-file FILE]
  claude-auth mcp status [NAME] [--json]
  claude-auth mcp logout NAME | --all [--json]
  claude-auth mcp token NAME [--min-ttl S]    # the access token only, on stdout
  claude-auth mcp headers [NAME]              # {"Authorization":"Bearer …"}
Every subcommand takes --profile NAME and --store STORE.

The client: --client-id (its secret from CLAUDE_AUTH_MCP_CLIENT_SECRET or
--client-secret-file), else --client-metadata-url where the server supports
Client ID Metadata Documents, else dynamic registration (RFC 7591).
With --client-credentials the client logs in as itself (no person; MCP's
oauth-client-credentials extension): its secret as above, or private_key_jwt
with --client-assertion-key-file (PEM or JWK). Only where they come from is
stored; the grant is repeated when the token is due.

In .mcp.json or ~/.claude.json, for an http or sse server:
  "headersHelper": "claude-auth mcp headers"
(Claude Code names the server in CLAUDE_CODE_MCP_SERVER_URL for the helper.)

Examples:
  claude-auth mcp login docs https://mcp.example.com/mcp --device
  claude-auth mcp token docs --min-ttl 60
`;

const SUBCOMMANDS = ['login', 'status', 'logout', 'token', 'headers'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

function target(positionals: string[], flags: Flags, io: CliIO) {
  const profile = stringFlag(flags, 'profile');
  return {
    env: io.env,
    ...(positionals[1] !== undefined && { server: positionals[1] }),
    ...(profile !== undefined && { profile }),
  };
}

async function run(flags: Flags, positionals: string[], io: CliIO): Promise<ExitCode> {
  const sub = positionals[0] as Subcommand | undefined;
  if (sub === undefined || !SUBCOMMANDS.includes(sub))
    throw new UsageError(`expected one of ${SUBCOMMANDS.join(', ')}`);
  if (positionals.length > (sub === 'login' ? 3 : 2))
    throw new UsageError(`too many arguments for mcp ${sub}`);
  // Only what the subcommand needs is loaded: `headers` runs at every MCP connect of Claude Code.
  if (sub === 'headers' || sub === 'token') {
    const { findMcpLogin, mcpAccessToken, mcpHeaders } = await import('../../mcp/mcp-access.js');
    const login = await findMcpLogin(target(positionals, flags, io));
    const minTtlMs = secondsFlag(flags, 'min-ttl');
    const token = await mcpAccessToken(login, minTtlMs === undefined ? {} : { minTtlMs });
    io.stdout.write(
      sub === 'token' ? `${token.accessToken}\n` : `${JSON.stringify(mcpHeaders(token))}\n`,
    );
    return ExitCode.OK;
  }
  const { runMcpManagement } = await import('./mcp-management.js');
  return runMcpManagement(sub, flags, positionals, io);
}

/** `claude-auth mcp …`: logins to OAuth-protected MCP servers. */
export const mcpCommand: Command = {
  name: 'mcp',
  summary: 'Log in to OAuth-protected MCP servers; headers for Claude Code',
  positionals: true,
  flags: {
    'client-id': { type: 'string' },
    'client-secret-file': { type: 'string' },
    'client-metadata-url': { type: 'string' },
    'client-credentials': { type: 'boolean' },
    'client-assertion-key-file': { type: 'string' },
    scopes: { type: 'string' },
    'no-browser': { type: 'boolean' },
    device: { type: 'boolean' },
    timeout: { type: 'string' },
    'min-ttl': { type: 'string' },
    all: { type: 'boolean', short: 'a' },
    json: { type: 'boolean' },
  },
  help: HELP,
  run,
};
